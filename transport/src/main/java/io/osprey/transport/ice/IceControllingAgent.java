package io.osprey.transport.ice;

import io.osprey.wire.crypto.HmacSha1;
import io.osprey.wire.stun.StunAttributes;
import io.osprey.wire.stun.StunClass;
import io.osprey.wire.stun.StunFormatException;
import io.osprey.wire.stun.StunMessageBuilder;
import io.osprey.wire.stun.StunView;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A full, controlling ICE agent for a client (RFC 8445 §6, §7.2, §8.1.1 regular nomination) over
 * one component: pairs its local and the peer's candidates, checks them in priority order one every
 * {@code pacing} with retransmissions, nominates the first pair that succeeds with a second check
 * carrying USE-CANDIDATE, then keeps consent (RFC 7675) with a check every ~5 s: no answer for
 * {@code disconnectedAfter} means DISCONNECTED, for {@code failedAfter} FAILED. Incoming STUN is
 * parsed and verified in place ({@link StunView}, HMACs keyed once per password). Owned by one loop.
 */
public final class IceControllingAgent implements IceAgent {
  /** Tuning; defaults after RFC 8445 §14 and RFC 7675. */
  public record Config(Duration pacing, Duration initialRto, int maxAttempts, Duration consentInterval,
                       Duration disconnectedAfter, Duration failedAfter) {
    public static Config defaults() {
      return new Config(Duration.ofMillis(50), Duration.ofMillis(250), 7, Duration.ofSeconds(5),
          Duration.ofSeconds(10), Duration.ofSeconds(30));
    }
  }

  private enum PairState { WAITING, IN_PROGRESS, SUCCEEDED, FAILED }

  private static final class Pair {
    final InetSocketAddress local;
    final InetSocketAddress remote;
    final long priority;
    PairState state = PairState.WAITING;
    byte[] transaction;
    int attempts;
    long nextSendNanos;
    boolean nominating;

    Pair(InetSocketAddress local, InetSocketAddress remote, long priority) {
      this.local = local;
      this.remote = remote;
      this.priority = priority;
    }
  }

  private record Candidate(InetSocketAddress address, long priority) {}

  private final Config config;
  private final SplittableRandom random;
  private final long tieBreaker;
  private final ArrayDeque<IceOutput> outputs = new ArrayDeque<>();
  private final List<Candidate> locals = new ArrayList<>();
  private final List<Candidate> remotes = new ArrayList<>();
  private final List<Pair> pairs = new ArrayList<>();
  private final StunView view = new StunView();
  private IceCredentials local;
  private IceCredentials remote;
  private HmacSha1 localKey; // the peer's checks to us, and our answers
  private HmacSha1 remoteKey; // our checks, and the peer's responses to them
  private byte[] usernamePrefix; // "localUfrag:", what the peer's checks to us start with
  private IceState state = IceState.NEW;
  private Pair selected;
  /** During an ICE restart, the pair selected before it: media keeps flowing on it until a new nomination. */
  private Pair serving;
  private long nextPacingNanos;
  private long lastConsentResponseNanos;
  private long nextConsentNanos = Long.MAX_VALUE;
  private byte[] consentTransaction;

  public IceControllingAgent(IceCredentials local, Config config, SplittableRandom random) {
    setLocal(local);
    this.config = config;
    this.random = random;
    this.tieBreaker = random.nextLong();
  }

  @Override
  public IceCredentials localCredentials() {
    return local;
  }

  /** The peer's ufrag and password (from its SDP). */
  public void setRemoteCredentials(IceCredentials remote) {
    setRemote(remote);
  }

  private void setLocal(IceCredentials newLocal) {
    local = newLocal;
    localKey = new HmacSha1(newLocal.passwordBytes());
    usernamePrefix = (newLocal.ufrag() + ":").getBytes(StandardCharsets.UTF_8);
  }

  private void setRemote(IceCredentials newRemote) {
    remote = newRemote;
    remoteKey = newRemote == null ? null : new HmacSha1(newRemote.passwordBytes());
  }

  /** A local host candidate: a socket address the I/O layer receives on. */
  public void addLocalCandidate(InetSocketAddress address, long priority) {
    locals.add(new Candidate(address, priority));
    for (Candidate r : remotes) {
      pair(new Candidate(address, priority), r);
    }
  }

  /** A remote candidate (from the SDP or trickled). */
  public void addRemoteCandidate(InetSocketAddress address, long priority) {
    if (remotes.stream().anyMatch(c -> c.address().equals(address))) {
      return; // known already (an ICE restart's answer repeats the candidates)
    }
    Candidate r = new Candidate(address, priority);
    remotes.add(r);
    for (Candidate l : locals) {
      pair(l, r);
    }
  }

  private void pair(Candidate l, Candidate r) {
    if ((l.address().getAddress() instanceof Inet4Address) != (r.address().getAddress() instanceof Inet4Address)) {
      return;
    }
    long g = l.priority();
    long d = r.priority();
    long priority = (Math.min(g, d) << 32) + 2 * Math.max(g, d) + (g > d ? 1 : 0); // RFC 8445 §6.1.2.3
    pairs.add(new Pair(l.address(), r.address(), priority));
    pairs.sort(Comparator.comparingLong((Pair p) -> p.priority).reversed());
    if (state == IceState.NEW) {
      setState(IceState.CHECKING);
    }
  }

  /** ICE restart: new credentials both ways, every pair checked again; the old pair serves meanwhile. */
  public void restart(IceCredentials newLocal, IceCredentials newRemote) {
    setLocal(newLocal);
    setRemote(newRemote);
    for (Pair p : pairs) {
      p.state = PairState.WAITING;
      p.attempts = 0;
      p.nominating = false;
      p.transaction = null;
    }
    serving = selected != null ? selected : serving;
    selected = null;
    nextConsentNanos = Long.MAX_VALUE;
    setState(IceState.CHECKING);
  }

  /** Handles a STUN datagram (a response to our checks, or the peer's own check). */
  @Override
  public void handleStun(byte[] data, int off, int len, InetSocketAddress localAddress, InetSocketAddress from,
                         long nowNanos) throws StunFormatException {
    StunView m = view.wrap(data, off, len);
    if (m.stunClass() == StunClass.REQUEST) {
      answer(m, localAddress, from);
      return;
    }
    if (remote == null || (m.hasFingerprint() && !m.verifyFingerprint()) || !m.verifyIntegrity(remoteKey)) {
      return;
    }
    if (consentTransaction != null && m.hasTransactionId(consentTransaction)) {
      consentTransaction = null;
      if (m.stunClass() == StunClass.SUCCESS_RESPONSE) {
        lastConsentResponseNanos = nowNanos;
        setState(IceState.CONNECTED);
      }
      return;
    }
    for (Pair p : pairs) {
      if (p.state == PairState.IN_PROGRESS && p.transaction != null && m.hasTransactionId(p.transaction)
          && p.remote.equals(from) && p.local.equals(localAddress)) {
        if (m.stunClass() != StunClass.SUCCESS_RESPONSE) {
          p.state = PairState.FAILED;
          checkAllFailed();
          return;
        }
        if (p.nominating) {
          p.state = PairState.SUCCEEDED;
          selected = p;
          serving = null;
          lastConsentResponseNanos = nowNanos;
          nextConsentNanos = nowNanos + jitteredConsentInterval();
          outputs.add(new IceOutput.SelectedPair(p.local, p.remote));
          setState(IceState.CONNECTED);
        } else if (selected == null && pairs.stream().noneMatch(q -> q.nominating)) {
          p.nominating = true; // regular nomination: check the pair again with USE-CANDIDATE
          p.attempts = 0;
          send(p, nowNanos);
        } else {
          p.state = PairState.SUCCEEDED;
        }
        return;
      }
    }
  }

  /** Paces checks, retransmits, keeps consent. Call at {@link #nextDeadlineNanos()}. */
  @Override
  public void handleTimeout(long nowNanos) {
    if (state == IceState.CLOSED || state == IceState.FAILED || remote == null) {
      return;
    }
    for (Pair p : pairs) {
      if (p.state == PairState.IN_PROGRESS && p.nextSendNanos <= nowNanos) {
        if (p.attempts >= config.maxAttempts()) {
          p.state = PairState.FAILED;
          if (p.nominating) {
            p.nominating = false;
          }
        } else {
          send(p, nowNanos);
        }
      }
    }
    if (selected == null && nowNanos >= nextPacingNanos) {
      for (Pair p : pairs) {
        if (p.state == PairState.WAITING) {
          p.state = PairState.IN_PROGRESS;
          send(p, nowNanos);
          nextPacingNanos = nowNanos + config.pacing().toNanos();
          break;
        }
      }
    }
    if (selected != null) {
      long silent = nowNanos - lastConsentResponseNanos;
      if (silent >= config.failedAfter().toNanos()) {
        setState(IceState.FAILED);
        return;
      }
      if (silent >= config.disconnectedAfter().toNanos()) {
        setState(IceState.DISCONNECTED);
      }
      if (nowNanos >= nextConsentNanos) {
        consentTransaction = newTransaction();
        outputs.add(new IceOutput.Transmit(selected.local, selected.remote, check(consentTransaction, false)));
        nextConsentNanos = nowNanos + jitteredConsentInterval();
      }
    }
    checkAllFailed();
  }

  @Override
  public long nextDeadlineNanos() {
    if (state == IceState.CLOSED || state == IceState.FAILED || remote == null) {
      return Long.MAX_VALUE;
    }
    long next = Long.MAX_VALUE;
    boolean waiting = false;
    for (Pair p : pairs) {
      if (p.state == PairState.IN_PROGRESS) {
        next = Math.min(next, p.nextSendNanos);
      }
      waiting |= p.state == PairState.WAITING;
    }
    if (selected == null && waiting) {
      next = Math.min(next, nextPacingNanos);
    }
    if (selected != null) {
      next = Math.min(next, Math.min(nextConsentNanos, lastConsentResponseNanos + (state == IceState.DISCONNECTED
          ? config.failedAfter().toNanos() : config.disconnectedAfter().toNanos())));
    }
    return next;
  }

  @Override
  public IceOutput poll() {
    return outputs.poll();
  }

  @Override
  public IceState state() {
    return state;
  }

  @Override
  public InetSocketAddress selectedRemote() {
    Pair p = selected != null ? selected : serving;
    return p == null ? null : p.remote;
  }

  @Override
  public InetSocketAddress selectedLocal() {
    Pair p = selected != null ? selected : serving;
    return p == null ? null : p.local;
  }

  @Override
  public void close() {
    setState(IceState.CLOSED);
  }

  private void send(Pair p, long nowNanos) {
    p.transaction = newTransaction();
    p.attempts++;
    p.nextSendNanos = nowNanos + (config.initialRto().toNanos() << Math.min(6, p.attempts - 1));
    outputs.add(new IceOutput.Transmit(p.local, p.remote, check(p.transaction, p.nominating)));
  }

  private byte[] check(byte[] transaction, boolean nominate) {
    StunMessageBuilder b = new StunMessageBuilder(StunClass.REQUEST, StunAttributes.BINDING, transaction)
        .username(remote.ufrag() + ":" + local.ufrag())
        .priority(0x6e0001ff) // peer-reflexive priority we would have (RFC 8445 §7.1.1)
        .iceControlling(tieBreaker);
    if (nominate) {
      b.useCandidate();
    }
    return b.build(remoteKey, true);
  }

  private void answer(StunView m, InetSocketAddress localAddress, InetSocketAddress from) {
    if (!m.usernameStartsWith(usernamePrefix) || !m.verifyIntegrity(localKey)) {
      outputs.add(new IceOutput.Transmit(localAddress, from,
          new StunMessageBuilder(StunClass.ERROR_RESPONSE, StunAttributes.BINDING, m.transactionId())
              .errorCode(401, "Unauthorized").build(true)));
      return;
    }
    outputs.add(new IceOutput.Transmit(localAddress, from,
        new StunMessageBuilder(StunClass.SUCCESS_RESPONSE, StunAttributes.BINDING, m.transactionId())
            .xorMappedAddress(from).build(localKey, true)));
  }

  private void checkAllFailed() {
    if (selected == null && !pairs.isEmpty() && pairs.stream().allMatch(p -> p.state == PairState.FAILED)) {
      setState(IceState.FAILED);
    }
  }

  private long jitteredConsentInterval() {
    long base = config.consentInterval().toNanos();
    return (long) (base * (0.8 + 0.4 * random.nextDouble())); // RFC 7675 §5.1: randomized 0.8-1.2
  }

  private byte[] newTransaction() {
    byte[] t = new byte[12];
    for (int i = 0; i < 12; i++) {
      t[i] = (byte) random.nextInt();
    }
    return t;
  }

  private void setState(IceState next) {
    if (next != state) {
      state = next;
      outputs.add(new IceOutput.StateChanged(next));
    }
  }
}
