package io.osprey.sdk.room;

import io.netty.channel.EventLoop;
import io.osprey.protocol.livekit.LivekitRtc;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.transport.ice.IceState;
import io.osprey.transport.io.UdpPeer;
import io.osprey.transport.session.OfferSection;
import io.osprey.transport.session.PeerOutput;
import io.osprey.transport.session.PeerSession;
import io.osprey.transport.session.RemoteSection;
import io.osprey.transport.session.RtpCodec;
import io.osprey.wire.WireFormatException;
import io.osprey.wire.rtcp.RtcpPacket;
import io.osprey.wire.sdp.SdpFormatException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The room's one peer connection (LiveKit's {@code /rtc/v1}): we always offer, the server answers.
 * It keeps the offer's sections in order (m-lines are only ever added or made inactive), sends one
 * offer at a time and folds requests made meanwhile into the next, opens LiveKit's two data
 * channels once connected, and hands what arrives to {@link Events}. Lives on one event loop.
 */
final class RtcEngine {
  static final String RELIABLE = "_reliable";
  static final String LOSSY = "_lossy";

  /** What the engine reports to the room (on the loop). */
  interface Events {
    void signal(SignalRequest request);

    void connected();

    void failed(String reason);

    void rtp(byte[] packet);

    void rtcp(List<RtcpPacket> packets);

    void data(byte[] payload, DataKind kind);

    /** An answer was applied: sections and what the server sends on them may have changed. */
    void negotiated(Map<String, String> midToTrackSid);
  }

  private final UdpPeer peer;
  private final PeerSession session;
  private final Events events;
  private final List<OfferSection> sections = new ArrayList<>();
  private int nextMid;
  private int offerId;
  private boolean offerInFlight;
  private boolean offerWanted;
  private int reliableStream = -1;
  private int lossyStream = -1;
  private boolean closed;

  private RtcEngine(UdpPeer peer, Events events) {
    this.events = events;
    this.peer = peer;
    this.session = new PeerSession(new PeerSession.Config(RtcLoops.certificate(), List.of(peer.localAddress()),
        false, true));
    sections.add(OfferSection.data(Integer.toString(nextMid++)));
  }

  /**
   * Opens a UDP socket towards {@code server} on the room's {@code loop} (so one thread runs
   * everything); completes on that loop.
   */
  static CompletableFuture<RtcEngine> open(EventLoop loop, InetAddress server, Events events) {
    return UdpPeer.bind(loop, RtcLoops.TRANSPORT, new InetSocketAddress(localAddressTowards(server), 0))
        .thenApply(peer -> new RtcEngine(peer, events));
  }

  EventLoop loop() {
    return peer.eventLoop();
  }

  /** Starts: the data channel section is offered at once (on the loop). */
  void start() {
    peer.attach(session, this::onOutput);
    negotiate();
  }

  /** Adds a section to send a track on; returns its mid. Negotiate to apply. */
  String addSendSection(String kind, RtpCodec codec, long ssrc, String streamId, String trackId) {
    String mid = Integer.toString(nextMid++);
    sections.add(OfferSection.send(mid, kind, codec, ssrc, streamId, trackId));
    return mid;
  }

  /** The section {@code mid} carries nothing any more. Negotiate to apply. */
  void deactivate(String mid) {
    sections.replaceAll(s -> s.mid().equals(mid) ? s.deactivate() : s);
  }

  /** Adds sections for the server to send subscribed tracks on (its media_sections_requirement). */
  void addReceiveSections(int audio, int video) {
    for (int i = 0; i < audio; i++) {
      sections.add(OfferSection.receive(Integer.toString(nextMid++), "audio", RtpCodec.AUDIO));
    }
    for (int i = 0; i < video; i++) {
      sections.add(OfferSection.receive(Integer.toString(nextMid++), "video", RtpCodec.VIDEO));
    }
  }

  /** Offers the current sections now, or as soon as the offer in flight is answered. */
  void negotiate() {
    negotiate(false);
  }

  /**
   * A resume: the offer in flight (if any) went with the old signal connection and will not be
   * answered; a new offer restarts ICE with new credentials.
   */
  void restartIce() {
    offerInFlight = false;
    negotiate(true);
  }

  /** Whether the media connection is up (DTLS done, ICE not failed): a session worth resuming. */
  boolean mediaUp() {
    IceState ice = session.iceState();
    return session.connected() && ice != IceState.FAILED && ice != IceState.CLOSED;
  }

  /** Whether ICE has a working pair (after a restart: one checked with the new credentials). */
  boolean iceConnected() {
    return session.iceState() == IceState.CONNECTED;
  }

  private void negotiate(boolean iceRestart) {
    if (closed) {
      return;
    }
    if (offerInFlight) {
      offerWanted = true;
      return;
    }
    offerInFlight = true;
    offerWanted = false;
    String sdp = session.createClientOffer(sections, iceRestart);
    events.signal(SignalRequest.newBuilder().setOffer(LivekitRtc.SessionDescription.newBuilder()
        .setType("offer").setSdp(sdp).setId(++offerId)).build());
  }

  /** The server's answer to our latest offer. */
  void onAnswer(LivekitRtc.SessionDescription answer) {
    try {
      session.handleAnswer(answer.getSdp(), System.nanoTime());
    } catch (SdpFormatException e) {
      events.failed("the server's answer is malformed: " + e.getMessage());
      return;
    }
    offerInFlight = false;
    peer.flush();
    events.negotiated(answer.getMidToTrackIdMap());
    if (offerWanted) {
      negotiate();
    }
  }

  /** A candidate the server trickled. */
  void onTrickle(String candidateInit) {
    String candidate = candidateInit;
    int at = candidateInit.indexOf("candidate:"); // JSON RTCIceCandidateInit, or the bare line
    if (at >= 0) {
      int end = candidateInit.indexOf('"', at);
      candidate = candidateInit.substring(at, end < 0 ? candidateInit.length() : end);
    }
    try {
      session.addRemoteCandidate(candidate);
      peer.flush();
    } catch (SdpFormatException e) {
      // an unusable candidate: the others still serve
    }
  }

  /** The negotiated sections the server described, by mid. */
  Map<String, RemoteSection> remoteSections() {
    return session.remoteSections();
  }

  /** Encrypts and sends an RTP packet ({@code buffer} has room for the SRTP tag after {@code len}). */
  boolean sendRtp(byte[] buffer, int len) {
    boolean sent = session.sendRtp(buffer, 0, len);
    if (sent) {
      peer.flush();
    }
    return sent;
  }

  void sendRtcp(RtcpPacket packet) {
    if (session.sendRtcp(packet)) {
      peer.flush();
    }
  }

  /** Sends a data packet; false before the data channels are open. */
  boolean sendData(byte[] payload, DataKind kind) {
    int stream = kind == DataKind.RELIABLE ? reliableStream : lossyStream;
    if (stream < 0 || closed) {
      return false;
    }
    session.sendBinary(stream, payload, System.nanoTime());
    peer.flush();
    return true;
  }

  /** Whether data we sent is not yet all acknowledged by the server. */
  boolean dataPending() {
    return !closed && session.dataPending();
  }

  /** The connection's state in a few words, for error messages. */
  String describe() {
    return "offers " + offerId + (offerInFlight ? ", one unanswered" : "") + ", ICE " + session.iceState()
        + (session.connected() ? ", DTLS up" : ", DTLS not up");
  }

  void close() {
    if (!closed) {
      closed = true;
      peer.close();
    }
  }

  private void onOutput(PeerOutput output) {
    switch (output) {
      case PeerOutput.Connected c -> {
        long now = System.nanoTime();
        reliableStream = session.openDataChannel(RELIABLE, true, now);
        lossyStream = session.openDataChannel(LOSSY, false, 0, now); // as livekit-client: unordered, no retransmits
        events.connected();
      }
      case PeerOutput.RtpReceived r -> events.rtp(r.packet());
      case PeerOutput.RtcpReceived r -> {
        List<RtcpPacket> packets = new ArrayList<>();
        try {
          RtcpPacket.parseCompound(r.packet(), 0, r.packet().length, packets);
        } catch (WireFormatException e) {
          // the packets before the bad one are still used
        }
        events.rtcp(packets);
      }
      case PeerOutput.DataReceived d -> events.data(d.data(),
          d.label().equals(LOSSY) ? DataKind.LOSSY : DataKind.RELIABLE);
      case PeerOutput.Closed c -> {
        if (!closed) {
          events.failed(c.reason());
        }
      }
      default -> { }
    }
  }

  /** The local address the host routes {@code server} through: our host candidate. */
  private static InetAddress localAddressTowards(InetAddress server) {
    try (DatagramSocket probe = new DatagramSocket()) {
      probe.connect(server, 9);
      InetAddress local = probe.getLocalAddress();
      return local.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : local;
    } catch (SocketException e) {
      return InetAddress.getLoopbackAddress();
    }
  }
}
