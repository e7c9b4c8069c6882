package io.osprey.transport.sctp;

import io.osprey.wire.sctp.SctpChunk;
import io.osprey.wire.sctp.SctpChunks;
import io.osprey.wire.sctp.SctpFormatException;
import io.osprey.wire.sctp.SctpPacket;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One SCTP association (RFC 9260) carried over DTLS, as WebRTC uses it: single-homed, port 5000.
 *
 * <p>Either side may open it ({@link #connect}) and simultaneous INITs are tolerated (§5.2.1);
 * the passive side keeps no state before a valid COOKIE ECHO (its cookie is HMAC'd, §5.1.3).
 * Received DATA is acknowledged with a SACK per packet and delivered in TSN order, which keeps
 * ordered streams ordered; a message is reassembled up to {@code maxMessageSize}, beyond which it
 * is dropped with an event, and out-of-order chunks are held only up to the advertised window.
 * Sent DATA is retransmitted on the T3 timer (RTO doubling from 1 s, §6.3) and on three missing
 * reports (fast retransmit, §7.2.4), within a congestion window that starts at 4 MTUs, grows by
 * what is acknowledged and halves on timeout. Sans-IO: packets and time in, outputs polled.
 */
public final class SctpAssociation {
  /**
   * Tuning.
   *
   * @param minRto            the floor of the RTO computed from measured round trips (RFC 9260
   *                          §6.3.1 says 1 s; WebRTC stacks go lower, and so does the default here)
   * @param heartbeatInterval how long an idle association waits before a HEARTBEAT (§8.3)
   */
  /** The largest DTLS record expansion of the cipher suites we negotiate (AES-128-GCM: 13 + 8 + 16). */
  static final int DTLS_OVERHEAD = 40;

  public record Config(int port, int advertisedWindow, int maxMessageSize, int mtu, Duration initialRto,
                       Duration maxRto, int maxRetransmissions, Duration minRto, Duration heartbeatInterval) {
    /** With the default RTO floor (200 ms) and heartbeat interval (30 s). */
    public Config(int port, int advertisedWindow, int maxMessageSize, int mtu, Duration initialRto, Duration maxRto,
                  int maxRetransmissions) {
      this(port, advertisedWindow, maxMessageSize, mtu, initialRto, maxRto, maxRetransmissions,
          Duration.ofMillis(200), Duration.ofSeconds(30));
    }

    public static Config defaults() {
      return new Config(5000, 1 << 20, 256 * 1024, 1200, Duration.ofSeconds(1), Duration.ofSeconds(10), 10);
    }
  }

  private enum State { CLOSED, COOKIE_WAIT, COOKIE_ECHOED, ESTABLISHED, SHUTDOWN_SENT, ENDED }

  /**
   * A message's delivery policy (RFC 3758 partial reliability, as data channels use it): how many
   * times its chunks may be retransmitted and until when ({@code -1} / {@code Long.MAX_VALUE}: no
   * limit). A message past its limit is abandoned and the peer told with FORWARD TSN.
   */
  private record Policy(long message, int maxRetransmits, long expiresAt) {
    static final Policy RELIABLE = new Policy(-1, -1, Long.MAX_VALUE);

    boolean exhausted(int transmissions, long nowNanos) {
      return (maxRetransmits >= 0 && transmissions > maxRetransmits) || nowNanos >= expiresAt;
    }
  }

  private record Queued(SctpChunks.Data data, Policy policy) {}

  private static final class Outstanding {
    final SctpChunks.Data data;
    final Policy policy;
    long sentAt;
    final long firstSentAt;
    int transmissions = 1;
    int missReports;
    boolean fastRetransmitted;
    boolean abandoned;

    Outstanding(SctpChunks.Data data, Policy policy, long sentAt) {
      this.data = data;
      this.policy = policy;
      this.sentAt = sentAt;
      this.firstSentAt = sentAt;
    }
  }

  private final Config config;
  private final SplittableRandom random;
  private final byte[] cookieKey = new byte[32];
  private final ArrayDeque<SctpOutput> outputs = new ArrayDeque<>();
  private State state = State.CLOSED;
  private long myTag;
  private long peerTag;
  private long myNextTsn;
  private long myInitialTsn;
  private long peerRwnd;
  private byte[] cookie;
  private long initSentAt;
  private int initTransmissions;
  private final SctpReceiveBuffer received;
  // send side
  private final TreeMap<Long, Outstanding> outstanding = new TreeMap<>();
  private final ArrayDeque<Queued> queued = new ArrayDeque<>();
  private long nextMessage;
  /** Highest TSN abandoned contiguously past the peer's cumulative ack; -1: none to announce. */
  private long advancedPeerAckPoint = -1;
  private List<int[]> forwardStreams = List.of();
  private long forwardSentAt;
  private final Map<Integer, Integer> nextSsn = new HashMap<>();
  private int inFlightBytes;
  private int cwnd;
  private int ssthresh;
  private long rtoNanos;
  private long srttNanos = -1;
  private long rttvarNanos;
  private long lastHeartbeatAt;
  private long lastActivityAt;

  public SctpAssociation(Config config, SplittableRandom random) {
    this.config = config;
    this.random = random;
    for (int i = 0; i < cookieKey.length; i++) {
      cookieKey[i] = (byte) random.nextInt();
    }
    this.myTag = (random.nextLong() & 0xffffffffL) | 1;
    this.myInitialTsn = random.nextLong() & 0xffffffffL;
    this.myNextTsn = myInitialTsn;
    this.cwnd = 4 * config.mtu();
    this.ssthresh = config.advertisedWindow();
    this.rtoNanos = config.initialRto().toNanos();
    this.received = new SctpReceiveBuffer(config.advertisedWindow(), config.maxMessageSize(), outputs::add);
  }

  /** Opens the association (sends INIT); the other side may open at the same time. */
  public void connect(long nowNanos) {
    if (state != State.CLOSED) {
      return;
    }
    state = State.COOKIE_WAIT;
    initSentAt = nowNanos;
    initTransmissions = 1;
    transmit(0, List.of(init().chunk(SctpChunk.INIT)));
  }

  public boolean established() {
    return state == State.ESTABLISHED;
  }

  /** Queues a message on a stream, reliably; it goes out as the window allows. */
  public void send(int streamId, long ppid, byte[] payload, boolean ordered, long nowNanos) {
    send(streamId, ppid, payload, ordered, -1, -1, nowNanos);
  }

  /**
   * Queues a message with partial reliability (RFC 3758): it is abandoned after
   * {@code maxRetransmits} retransmissions, or {@code lifetimeMillis} after now ({@code -1}: no
   * limit). WebRTC peers must support it (RFC 8831 §6.2), so the peer is not asked.
   */
  public void send(int streamId, long ppid, byte[] payload, boolean ordered, int maxRetransmits, long lifetimeMillis,
                   long nowNanos) {
    Policy policy = maxRetransmits < 0 && lifetimeMillis < 0 ? Policy.RELIABLE
        : new Policy(nextMessage++, maxRetransmits, lifetimeMillis < 0 ? Long.MAX_VALUE
            : nowNanos + lifetimeMillis * 1_000_000L);
    int maxPayload = maxPacket() - 16; // less the DATA chunk header
    int ssn = ordered ? nextSsn.merge(streamId, 1, Integer::sum) - 1 : 0;
    int pos = 0;
    do {
      int len = Math.min(maxPayload, payload.length - pos);
      byte[] part = java.util.Arrays.copyOfRange(payload, pos, pos + len);
      boolean first = pos == 0;
      pos += len;
      queued.add(new Queued(new SctpChunks.Data(!ordered, first, pos >= payload.length, 0, streamId, ssn & 0xffff,
          ppid, part), policy));
    } while (pos < payload.length);
    flushQueued(nowNanos);
  }

  /** Handles an SCTP packet (the plaintext of a DTLS record). */
  public void handlePacket(byte[] data, int off, int len, long nowNanos) throws SctpFormatException {
    if (state == State.ENDED) {
      return;
    }
    lastActivityAt = nowNanos;
    SctpPacket packet = SctpPacket.parse(data, off, len);
    boolean isInit = packet.chunks().get(0).type() == SctpChunk.INIT;
    if (!isInit && packet.verificationTag() != myTag && packet.chunks().get(0).type() != SctpChunk.ABORT) {
      return; // out of the blue, or for an older association (§8.5)
    }
    boolean gotData = false;
    for (SctpChunk c : packet.chunks()) {
      switch (c.type()) {
        case SctpChunk.INIT -> onInit(SctpChunks.Init.of(c));
        case SctpChunk.INIT_ACK -> onInitAck(SctpChunks.Init.of(c), nowNanos);
        case SctpChunk.COOKIE_ECHO -> onCookieEcho(c.value(), nowNanos);
        case SctpChunk.COOKIE_ACK -> {
          if (state == State.COOKIE_ECHOED) {
            establish();
            flushQueued(nowNanos); // what was sent while the handshake ran (e.g. DCEP opens)
          }
        }
        case SctpChunk.DATA -> {
          if (state == State.ESTABLISHED || state == State.SHUTDOWN_SENT) {
            received.handleData(SctpChunks.Data.of(c));
            gotData = true;
          }
        }
        case SctpChunk.SACK -> onSack(SctpChunks.Sack.of(c), nowNanos);
        case SctpChunk.HEARTBEAT -> transmit(peerTag, List.of(new SctpChunk(SctpChunk.HEARTBEAT_ACK, 0, c.value())));
        case SctpChunk.HEARTBEAT_ACK -> onHeartbeatAck(c.value(), nowNanos);
        case SctpChunk.ABORT -> end("aborted by peer");
        case SctpChunk.SHUTDOWN -> {
          transmit(peerTag, List.of(new SctpChunk(SctpChunk.SHUTDOWN_ACK, 0, new byte[0])));
        }
        case SctpChunk.SHUTDOWN_ACK -> {
          transmit(peerTag, List.of(new SctpChunk(SctpChunk.SHUTDOWN_COMPLETE, 0, new byte[0])));
          end("shut down");
        }
        case SctpChunk.SHUTDOWN_COMPLETE -> end("shut down");
        case SctpChunk.FORWARD_TSN -> {
          received.handleForwardTsn(SctpChunks.forwardTsn(c));
          gotData = true; // answered with a SACK (RFC 3758 §3.6), so the sender can stop announcing
        }
        default -> {
          if ((c.type() & 0x80) == 0) {
            return; // upper bit 0: stop processing this packet (§3.2)
          }
        }
      }
    }
    if (gotData) {
      transmit(peerTag, List.of(received.sack()));
    }
  }

  /** Retransmits what timed out. Call at {@link #nextDeadlineNanos()}. */
  public void handleTimeout(long nowNanos) {
    if (state == State.COOKIE_WAIT || state == State.COOKIE_ECHOED) {
      if (nowNanos - initSentAt >= rtoNanos) {
        if (++initTransmissions > config.maxRetransmissions()) {
          end("handshake timed out");
          return;
        }
        initSentAt = nowNanos;
        rtoNanos = Math.min(rtoNanos * 2, config.maxRto().toNanos());
        if (state == State.COOKIE_WAIT) {
          transmit(0, List.of(init().chunk(SctpChunk.INIT)));
        } else {
          transmit(peerTag, List.of(new SctpChunk(SctpChunk.COOKIE_ECHO, 0, cookie)));
        }
      }
      return;
    }
    if (advancedPeerAckPoint >= 0 && nowNanos - forwardSentAt >= rtoNanos) {
      sendForwardTsn(nowNanos); // not acknowledged yet: say it again
    }
    if (state == State.ESTABLISHED && outstanding.isEmpty() && nowNanos >= heartbeatDue()) {
      lastHeartbeatAt = nowNanos; // an idle path is probed (§8.3), which also measures the round trip
      lastActivityAt = nowNanos;
      byte[] info = ByteBuffer.allocate(12).putShort((short) 1).putShort((short) 12).putLong(nowNanos).array();
      transmit(peerTag, List.of(new SctpChunk(SctpChunk.HEARTBEAT, 0, info)));
    }
    if (outstanding.isEmpty()) {
      return;
    }
    Outstanding oldest = outstanding.firstEntry().getValue();
    if (nowNanos - oldest.sentAt < rtoNanos) {
      return;
    }
    if (abandonExhausted(nowNanos)) {
      if (outstanding.isEmpty()) {
        return;
      }
      oldest = outstanding.firstEntry().getValue();
    }
    if (oldest.transmissions > config.maxRetransmissions() && !oldest.abandoned) {
      end("peer unreachable: retransmission limit");
      return;
    }
    ssthresh = Math.max(cwnd / 2, 4 * config.mtu());
    cwnd = config.mtu();
    rtoNanos = Math.min(rtoNanos * 2, config.maxRto().toNanos());
    List<SctpChunk> again = new ArrayList<>();
    int bytes = 0;
    for (Outstanding o : outstanding.values()) { // §6.3.3 E3: what fits in one packet
      int chunkBytes = (o.data.payload().length + 16 + 3) & ~3;
      if (bytes > 0 && bytes + chunkBytes > maxPacket()) {
        break;
      }
      if (o.abandoned) {
        continue;
      }
      o.transmissions++;
      o.sentAt = nowNanos;
      again.add(o.data.chunk());
      bytes += chunkBytes;
    }
    transmit(peerTag, again);
  }

  public long nextDeadlineNanos() {
    if (state == State.COOKIE_WAIT || state == State.COOKIE_ECHOED) {
      return initSentAt + rtoNanos;
    }
    if (state == State.ENDED) {
      return Long.MAX_VALUE;
    }
    long forward = advancedPeerAckPoint >= 0 ? forwardSentAt + rtoNanos : Long.MAX_VALUE;
    if (outstanding.isEmpty()) {
      return state == State.ESTABLISHED ? Math.min(forward, heartbeatDue()) : forward;
    }
    return Math.min(forward, outstanding.firstEntry().getValue().sentAt + rtoNanos);
  }

  /** Begins a graceful shutdown (§9.2). */
  public void shutdown() {
    if (state == State.ESTABLISHED) {
      state = State.SHUTDOWN_SENT;
      byte[] v = ByteBuffer.allocate(4).putInt((int) received.cumulativeTsn()).array();
      transmit(peerTag, List.of(new SctpChunk(SctpChunk.SHUTDOWN, 0, v)));
    }
  }

  public SctpOutput poll() {
    return outputs.poll();
  }

  /** Bytes sent and not yet acknowledged. */
  public int inFlightBytes() {
    return inFlightBytes;
  }

  /** Messages waiting for the window. */
  public int queuedChunks() {
    return queued.size();
  }

  // ---------------------------------------------------------------- handshake

  private SctpChunks.Init init() {
    return new SctpChunks.Init(myTag, config.advertisedWindow(), 65535, 65535, myInitialTsn, List.of(
        new SctpChunks.Param(SctpChunks.PARAM_FORWARD_TSN_SUPPORTED, new byte[0])));
  }

  private void onInit(SctpChunks.Init init) {
    // Stateless: everything needed to establish later travels in the cookie (§5.1.3).
    ByteBuffer b = ByteBuffer.allocate(28);
    b.putInt((int) init.initiateTag()).putInt((int) init.initialTsn()).putInt((int) init.advertisedWindow())
        .putInt((int) myTag).putInt((int) myInitialTsn).putLong(System.nanoTime() / 1_000_000_000L);
    byte[] body = b.array();
    byte[] mac = hmac(body);
    byte[] stateCookie = new byte[body.length + mac.length];
    System.arraycopy(body, 0, stateCookie, 0, body.length);
    System.arraycopy(mac, 0, stateCookie, body.length, mac.length);
    List<SctpChunks.Param> params = new ArrayList<>(init().params());
    params.add(new SctpChunks.Param(SctpChunks.PARAM_STATE_COOKIE, stateCookie));
    SctpChunks.Init ack = new SctpChunks.Init(myTag, config.advertisedWindow(), 65535, 65535, myInitialTsn, params);
    transmit(init.initiateTag(), List.of(ack.chunk(SctpChunk.INIT_ACK)));
  }

  private void onInitAck(SctpChunks.Init ack, long nowNanos) {
    if (state != State.COOKIE_WAIT) {
      return;
    }
    byte[] stateCookie = ack.param(SctpChunks.PARAM_STATE_COOKIE);
    if (stateCookie == null) {
      return;
    }
    peerTag = ack.initiateTag();
    received.reset(ack.initialTsn());
    peerRwnd = ack.advertisedWindow();
    cookie = stateCookie;
    state = State.COOKIE_ECHOED;
    initSentAt = nowNanos;
    transmit(peerTag, List.of(new SctpChunk(SctpChunk.COOKIE_ECHO, 0, cookie)));
  }

  private void onCookieEcho(byte[] echoed, long nowNanos) {
    if (echoed.length != 28 + 32) {
      return;
    }
    byte[] body = java.util.Arrays.copyOf(echoed, 28);
    if (!MessageDigest.isEqual(hmac(body), java.util.Arrays.copyOfRange(echoed, 28, 60))) {
      return; // forged or from another association
    }
    ByteBuffer b = ByteBuffer.wrap(body);
    long theirTag = b.getInt() & 0xffffffffL;
    long theirInitialTsn = b.getInt() & 0xffffffffL;
    long theirRwnd = b.getInt() & 0xffffffffL;
    long cookieMyTag = b.getInt() & 0xffffffffL;
    if (cookieMyTag != myTag) {
      return;
    }
    if (state != State.ESTABLISHED) {
      peerTag = theirTag;
      received.reset(theirInitialTsn);
      peerRwnd = theirRwnd;
    }
    transmit(peerTag, List.of(new SctpChunk(SctpChunk.COOKIE_ACK, 0, new byte[0])));
    if (state != State.ESTABLISHED) {
      establish();
    }
    flushQueued(nowNanos);
  }

  /** RFC 9260 §6.3.1: smoothed round trip and its variation from one measurement. */
  private void measuredRtt(long r) {
    if (srttNanos < 0) {
      srttNanos = r;
      rttvarNanos = r / 2;
    } else {
      rttvarNanos = (3 * rttvarNanos + Math.abs(srttNanos - r)) / 4;
      srttNanos = (7 * srttNanos + r) / 8;
    }
    rtoNanos = computedRto();
  }

  private long computedRto() {
    if (srttNanos < 0) {
      return config.initialRto().toNanos();
    }
    long rto = srttNanos + 4 * rttvarNanos;
    return Math.max(config.minRto().toNanos(), Math.min(config.maxRto().toNanos(), rto));
  }

  /** The smoothed round-trip time, or -1 before the first measurement. */
  public long smoothedRttNanos() {
    return srttNanos;
  }

  private void onHeartbeatAck(byte[] info, long nowNanos) {
    // our HEARTBEAT carries one Heartbeat Info parameter (type 1) holding the time it was sent
    if (info.length == 12 && info[0] == 0 && info[1] == 1) {
      long sentAt = ByteBuffer.wrap(info, 4, 8).getLong();
      if (sentAt == lastHeartbeatAt && nowNanos >= sentAt) {
        measuredRtt(nowNanos - sentAt);
      }
    }
  }

  private void establish() {
    state = State.ESTABLISHED;
    rtoNanos = config.initialRto().toNanos();
    outputs.add(new SctpOutput.Connected());
  }

  // ---------------------------------------------------------------- sending

  private void onSack(SctpChunks.Sack sack, long nowNanos) {
    peerRwnd = sack.advertisedWindow();
    int acked = 0;
    long rttSample = -1;
    Iterator<Map.Entry<Long, Outstanding>> it = outstanding.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Outstanding> e = it.next();
      long tsn = e.getKey();
      if (serialLessOrEqual(tsn, sack.cumulativeTsnAck()) || inGap(tsn, sack)) {
        acked += e.getValue().data.payload().length;
        if (e.getValue().transmissions == 1) { // Karn: never time a retransmitted chunk
          rttSample = nowNanos - e.getValue().firstSentAt;
        }
        it.remove();
      }
    }
    if (rttSample >= 0) {
      measuredRtt(rttSample);
    }
    abandonAdvance(nowNanos); // abandoned chunks that the ack has brought to the front
    if (acked > 0) {
      inFlightBytes -= acked;
      cwnd += cwnd < ssthresh ? Math.min(acked, config.mtu()) : config.mtu() * acked / Math.max(cwnd, 1);
      rtoNanos = computedRto();
      for (Outstanding o : outstanding.values()) {
        o.sentAt = nowNanos; // restart T3 for what remains (§6.3.2 R3)
      }
    }
    if (advancedPeerAckPoint >= 0) {
      if (serialLessOrEqual(advancedPeerAckPoint, sack.cumulativeTsnAck())) {
        advancedPeerAckPoint = -1; // the peer moved past what we abandoned
        forwardStreams = List.of();
      } else {
        sendForwardTsn(nowNanos); // §3.5 C3: the SACK shows it was not received yet
      }
    }
    if (!sack.gaps().isEmpty()) {
      long highestAcked = (sack.cumulativeTsnAck() + sack.gaps().get(sack.gaps().size() - 1)[1]) & 0xffffffffL;
      for (Map.Entry<Long, Outstanding> e : outstanding.entrySet()) {
        if (serialLessOrEqual(e.getKey(), highestAcked) && e.getValue().missReports + 1 >= 3
            && !e.getValue().fastRetransmitted && e.getValue().policy.exhausted(e.getValue().transmissions, nowNanos)) {
          abandon(e.getValue().policy);
        }
      }
      abandonAdvance(nowNanos);
      List<SctpChunk> fast = new ArrayList<>();
      for (Map.Entry<Long, Outstanding> e : outstanding.entrySet()) {
        if (serialLessOrEqual(e.getKey(), highestAcked) && ++e.getValue().missReports >= 3
            && !e.getValue().fastRetransmitted && !e.getValue().abandoned) {
          e.getValue().fastRetransmitted = true;
          e.getValue().transmissions++;
          e.getValue().sentAt = nowNanos;
          fast.add(e.getValue().data.chunk());
        }
      }
      if (!fast.isEmpty()) {
        ssthresh = Math.max(cwnd / 2, 4 * config.mtu());
        cwnd = ssthresh;
        List<SctpChunk> packet = new ArrayList<>();
        int bytes = 0;
        for (SctpChunk c : fast) { // in as many packets as they need
          int chunkBytes = (c.value().length + 4 + 3) & ~3;
          if (bytes > 0 && bytes + chunkBytes > maxPacket()) {
            transmit(peerTag, packet);
            packet = new ArrayList<>();
            bytes = 0;
          }
          packet.add(c);
          bytes += chunkBytes;
        }
        transmit(peerTag, packet);
      }
    }
    flushQueued(nowNanos);
  }

  /**
   * Abandons every message whose oldest outstanding chunk has used up its retransmissions or its
   * lifetime (RFC 3758 §3.5 A1-A3), then announces the new ack point. Returns whether any was.
   */
  private boolean abandonExhausted(long nowNanos) {
    boolean any = false;
    for (Outstanding o : outstanding.values()) {
      if (!o.abandoned && o.policy != Policy.RELIABLE && o.policy.exhausted(o.transmissions, nowNanos)) {
        abandon(o.policy);
        any = true;
      }
    }
    if (any) {
      abandonAdvance(nowNanos);
    }
    return any;
  }

  /** Marks all chunks of a message abandoned, sent or still queued (§3.5 A3: never half a message). */
  private void abandon(Policy message) {
    for (Outstanding o : outstanding.values()) {
      if (o.policy == message) {
        o.abandoned = true;
      }
    }
    queued.removeIf(q -> q.policy() == message);
  }

  /** Drops the abandoned chunks at the front of what is outstanding and tells the peer (FORWARD TSN). */
  private void abandonAdvance(long nowNanos) {
    boolean advanced = false;
    Map<Integer, Integer> orderedSkips = new HashMap<>();
    while (!outstanding.isEmpty() && outstanding.firstEntry().getValue().abandoned) {
      Map.Entry<Long, Outstanding> first = outstanding.pollFirstEntry();
      SctpChunks.Data d = first.getValue().data;
      inFlightBytes -= d.payload().length;
      advancedPeerAckPoint = first.getKey();
      if (!d.unordered()) {
        orderedSkips.merge(d.streamId(), d.ssn(), (a, b) -> ((b - a) & 0xffff) < 0x8000 ? b : a);
      }
      advanced = true;
    }
    if (advanced) {
      List<int[]> streams = new ArrayList<>(forwardStreams);
      orderedSkips.forEach((stream, ssn) -> {
        streams.removeIf(e -> e[0] == stream);
        streams.add(new int[] {stream, ssn});
      });
      forwardStreams = streams;
      sendForwardTsn(nowNanos);
    }
  }

  private void sendForwardTsn(long nowNanos) {
    forwardSentAt = nowNanos;
    transmit(peerTag, List.of(SctpChunks.forwardTsnChunk(advancedPeerAckPoint, forwardStreams)));
  }

  private long heartbeatDue() {
    return Math.max(lastActivityAt, lastHeartbeatAt) + config.heartbeatInterval().toNanos();
  }

  private static boolean inGap(long tsn, SctpChunks.Sack sack) {
    long offset = (tsn - sack.cumulativeTsnAck()) & 0xffffffffL;
    for (int[] g : sack.gaps()) {
      if (offset >= g[0] && offset <= g[1]) {
        return true;
      }
    }
    return false;
  }

  /**
   * The chunk bytes one packet may carry: the MTU less the SCTP common header and the DTLS record
   * around it (13-byte header, and AES-GCM's 8-byte explicit nonce and 16-byte tag), so the DTLS
   * record never outgrows the datagram Bouncy Castle accepts.
   */
  private int maxPacket() {
    return config.mtu() - 12 - DTLS_OVERHEAD;
  }

  private void flushQueued(long nowNanos) {
    if (state != State.ESTABLISHED) {
      return;
    }
    List<SctpChunk> batch = new ArrayList<>();
    int batchBytes = 0;
    while (!queued.isEmpty()) {
      Queued q = queued.peek();
      SctpChunks.Data next = q.data();
      int size = next.payload().length;
      long window = Math.min(cwnd, peerRwnd);
      if (inFlightBytes > 0 && inFlightBytes + size > window) {
        break;
      }
      queued.poll();
      SctpChunks.Data numbered = new SctpChunks.Data(next.unordered(), next.beginning(), next.ending(), myNextTsn,
          next.streamId(), next.ssn(), next.ppid(), next.payload());
      outstanding.put(myNextTsn, new Outstanding(numbered, q.policy(), nowNanos));
      myNextTsn = (myNextTsn + 1) & 0xffffffffL;
      inFlightBytes += size;
      int chunkBytes = (size + 16 + 3) & ~3; // with its padding (§3.2)
      if (batchBytes + chunkBytes > maxPacket() && !batch.isEmpty()) {
        transmit(peerTag, batch);
        batch = new ArrayList<>();
        batchBytes = 0;
      }
      batch.add(numbered.chunk());
      batchBytes += chunkBytes;
    }
    if (!batch.isEmpty()) {
      transmit(peerTag, batch);
    }
  }

  // ---------------------------------------------------------------- plumbing

  private void transmit(long tag, List<SctpChunk> chunks) {
    outputs.add(new SctpOutput.Transmit(new SctpPacket(config.port(), config.port(), tag, chunks).encode()));
  }

  private void end(String reason) {
    if (state != State.ENDED) {
      state = State.ENDED;
      outputs.add(new SctpOutput.Closed(reason));
    }
  }

  private byte[] hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cookieKey, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean serialLessOrEqual(long a, long b) {
    return ((b - a) & 0xffffffffL) < 0x80000000L;
  }
}
