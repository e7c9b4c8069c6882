package io.osprey.server.rtc;

import io.osprey.protocol.Guid;
import io.osprey.protocol.auth.ClaimGrants;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitModels.DataPacket;
import io.osprey.protocol.livekit.LivekitModels.DisconnectReason;
import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
import io.osprey.protocol.livekit.LivekitModels.TrackSource;
import io.osprey.protocol.livekit.LivekitRtc;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.server.room.Participant;
import io.osprey.server.room.ParticipantSession;
import io.osprey.server.room.Room;
import io.osprey.transport.session.PeerOutput;
import io.osprey.transport.session.PeerSession;
import io.osprey.wire.WireFormatException;
import io.osprey.wire.rtcp.RtcpPacket;
import io.osprey.wire.sdp.SdpFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant connected over {@code /rtc} (v0, two peer connections) or {@code /rtc/v1} (one):
 * its signal requests, its connections, its data channels and its place in the room; what it
 * publishes is {@link Publishing}, what it receives {@link Subscribing}. Lives on the media loop,
 * which is also its room's loop: no locks.
 */
public final class RtcParticipant implements ParticipantSession {
  private static final Logger log = LoggerFactory.getLogger(RtcParticipant.class);
  private static final String RELIABLE = "_reliable";
  private static final String LOSSY = "_lossy";
  private static final long QUALITY_INTERVAL_NANOS = 5_000_000_000L;
  private static final long REFRESH_INTERVAL_NANOS = 300_000_000_000L;
  /**
   * How long a participant whose signal connection dropped waits for the client to resume it
   * ({@code reconnect=1}); livekit-client's resume attempts span about 45 s, and a media connection
   * that dies meanwhile ends the wait sooner (ICE consent fails after 15 s).
   */
  private static final long RESUME_WINDOW_NANOS = 45_000_000_000L;
  /** Where responses go while the signal connection is down: nowhere (a resume brings the client up to date). */
  private static final SignalSink LOST = new SignalSink() {
    @Override
    public void send(SignalResponse response) { }

    @Override
    public void close() { }
  };

  /**
   * What the participant's connection asked for.
   *
   * @param singlePeerConnection {@code /rtc/v1}: one connection both ways, the client always offers
   */
  public record Options(boolean autoSubscribe, int protocol, boolean singlePeerConnection) {}

  private final MediaNode node;
  private final Room room;
  private final ClaimGrants grants;
  private final Options options;
  private SignalSink signal;
  /** When the client must have resumed by, once its signal connection dropped; 0 while it is up. */
  private long resumeByNanos;
  /** The sequence of the last reliable data packet taken from this participant (a resume resends what follows). */
  private int lastReliableSequence;
  private final java.util.function.Supplier<String> tokens;
  private final Participant model;
  private final Publishing publishing = new Publishing(this);
  private final Subscribing subscribing = new Subscribing(this);
  private PeerSession publisher;
  private PeerSession subscriber;
  private int reliableStream = -1;
  private int lossyStream = -1;
  private Runnable stopTicking;
  private long lastRefreshNanos;
  private long lastReportsNanos;
  private long lastQualityNanos = System.nanoTime() - QUALITY_INTERVAL_NANOS + 2_000_000_000L; // first after 2 s
  private boolean closed;
  /** Drain: the participant was asked to rejoin elsewhere; its leave then means it sends no more. */
  private boolean rejoinAsked;
  private boolean doneSending;
  /** Reliable data for this participant that came before its reliable data channel opened. */
  private final java.util.ArrayDeque<DataPacket> unsent = new java.util.ArrayDeque<>();
  private static final int MAX_UNSENT = 1024;

  /**
   * Builds the participant (call on the room's loop, then {@link #join}).
   *
   * @param tokens mints a fresh token with the participant's grants (10 min), sent as
   *               {@code refresh_token} at join and every 5 minutes so a rejoin never needs an
   *               expired one
   */
  public RtcParticipant(MediaNode node, Room room, ClaimGrants grants, Options options, SignalSink signal,
                        java.util.function.Supplier<String> tokens) {
    this.node = node;
    this.tokens = tokens;
    this.room = room;
    this.grants = grants;
    this.options = options;
    this.signal = signal;
    var video = grants.video();
    ParticipantInfo info = ParticipantInfo.newBuilder()
        .setSid(Guid.next(Guid.PARTICIPANT)).setIdentity(grants.identity()).setName(grants.name())
        .setMetadata(grants.metadata()).putAllAttributes(grants.attributes())
        .setState(ParticipantInfo.State.JOINED)
        .setJoinedAt(System.currentTimeMillis() / 1000).setJoinedAtMs(System.currentTimeMillis())
        .setKind(kind(grants.kind()))
        .setPermission(LivekitModels.ParticipantPermission.newBuilder()
            .setCanSubscribe(video.maySubscribe()).setCanPublish(video.mayPublish())
            .setCanPublishData(video.mayPublishData()).setHidden(video.hidden()).setRecorder(video.recorder())
            .setCanUpdateMetadata(video.mayUpdateOwnMetadata())
            .addAllCanPublishSources(video.canPublishSources().stream().map(RtcParticipant::source).toList()))
        .build();
    this.model = new Participant(info, this);
  }

  public Participant model() {
    return model;
  }

  // ---- what the two sides share (package-private) ----

  MediaNode node() {
    return node;
  }

  Room room() {
    return room;
  }

  ClaimGrants grants() {
    return grants;
  }

  Options options() {
    return options;
  }

  SignalSink signal() {
    return signal;
  }

  boolean closed() {
    return closed;
  }

  Publishing publishing() {
    return publishing;
  }

  Subscribing subscribing() {
    return subscribing;
  }

  /** The connection this participant publishes on (v0: its publisher connection; v1: the one). */
  PeerSession upstream() {
    return publisher;
  }

  /** The connection this participant receives its subscriptions on (v0: subscriber; v1: the one). */
  PeerSession downstream() {
    return options.singlePeerConnection() ? publisher : subscriber;
  }

  /**
   * Joins the room: the JoinResponse goes out first, then (v0, when the participant may subscribe)
   * the subscriber connection's offer with the server's data channels and the subscriptions to
   * what is already published; in v1 those wait for the client's first offer.
   */
  public void join() {
    List<ParticipantInfo> others = new ArrayList<>();
    for (Participant p : room.participants()) {
      if (!p.hidden()) {
        others.add(p.info());
      }
    }
    room.join(model);
    stopTicking = node.everyTick(this::tick);
    boolean single = options.singlePeerConnection();
    boolean subscriberPrimary = !single && grants.video().maySubscribe();
    signal.send(SignalResponse.newBuilder().setJoin(LivekitRtc.JoinResponse.newBuilder()
        .setRoom(room.snapshot()).setParticipant(model.info()).addAllOtherParticipants(others)
        .setServerVersion(ServerInfo.VERSION).setServerInfo(node.serverInfo())
        .setSubscriberPrimary(subscriberPrimary).setPingTimeout(15).setPingInterval(5)).build());
    refreshToken(System.nanoTime());
    boolean autoSubscribe = options.autoSubscribe() && grants.video().maySubscribe();
    if (single) {
      publisher = node.newSession(this::onPublisherOutput);
      publisher.setSendPlanner(subscribing::plan);
      publisher.setCodecPreference(publishing::requestedCodec);
      if (autoSubscribe) {
        subscribing.subscribeToOthers();
      }
    } else if (subscriberPrimary) {
      subscriber = node.newSession(this::onSubscriberOutput);
      subscribing.addDataSection();
      if (autoSubscribe) {
        subscribing.subscribeToOthers();
      }
      subscribing.negotiate();
    }
  }

  /** Handles one signal request (on the room's loop). */
  public void handle(SignalRequest request) {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    switch (request.getMessageCase()) {
      case OFFER -> onOffer(request.getOffer(), now);
      case ANSWER -> subscribing.onAnswer(request.getAnswer(), now);
      case TRICKLE -> { } // ICE-lite: the peer's address is learned from its checks
      case ADD_TRACK -> publishing.onAddTrack(request.getAddTrack());
      case MUTE -> publishing.onMute(request.getMute());
      case SUBSCRIPTION -> subscribing.onSubscription(request.getSubscription());
      case TRACK_SETTING -> subscribing.onTrackSetting(request.getTrackSetting(), now);
      case LEAVE -> {
        if (rejoinAsked) {
          // it has sent its last message (it waited for their acks) and is rejoining elsewhere:
          // keep its connection so what others sent it still arrives; the drain closes it
          doneSending = true;
          log.info("{}: done sending, rejoining elsewhere", model.identity());
        } else {
          leave(DisconnectReason.CLIENT_INITIATED, false);
        }
      }
      case UPDATE_METADATA -> onUpdateMetadata(request.getUpdateMetadata());
      case SIMULATE -> onSimulate(request.getSimulate());
      case PING -> signal.send(SignalResponse.newBuilder().setPong(System.currentTimeMillis()).build());
      case PING_REQ -> signal.send(SignalResponse.newBuilder().setPongResp(LivekitRtc.Pong.newBuilder()
          .setLastPingTimestamp(request.getPingReq().getTimestamp()).setTimestamp(System.currentTimeMillis())).build());
      default -> log.debug("{}: ignored signal request {}", model.identity(), request.getMessageCase());
    }
  }

  /**
   * The signal connection {@code which} closed without a leave. While the media connection is up
   * the participant stays, for the client to resume within {@link #RESUME_WINDOW_NANOS} (as
   * livekit-server keeps it); otherwise it is gone. {@code aborted}: the connection went silent
   * rather than closing: the participant leaves at once (webhook participant_connection_aborted
   * as well). A connection already replaced by a resume is ignored.
   */
  public void signalClosed(SignalSink which, boolean aborted) {
    if (closed || which != signal) {
      return;
    }
    if (aborted) {
      room.connectionAborted(model);
    } else if (mediaUp()) {
      log.info("{}: signal connection lost; waiting {} s for a resume", model.identity(),
          RESUME_WINDOW_NANOS / 1_000_000_000L);
      signal = LOST;
      resumeByNanos = System.nanoTime() + RESUME_WINDOW_NANOS;
      return;
    }
    leave(DisconnectReason.SIGNAL_CLOSE, false);
  }

  /** Whether a media connection of ours has come up and has not failed. */
  private boolean mediaUp() {
    for (PeerSession s : new PeerSession[] {publisher, subscriber}) {
      if (s != null && s.connected() && s.iceState() != io.osprey.transport.ice.IceState.FAILED
          && s.iceState() != io.osprey.transport.ice.IceState.CLOSED) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client came back with {@code reconnect=1} on a new signal connection (livekit's resume):
   * the new connection replaces the old one (closed if still open), the client gets a
   * ReconnectResponse and the room's current state, and ICE restarts: v0's subscriber connection
   * with a new offer from us, the publisher connection (v1's only one) with the client's next
   * offer. Returns false if this participant is gone (the client must rejoin in full).
   */
  public boolean resume(SignalSink newSignal, LivekitModels.ReconnectReason reason) {
    if (closed) {
      return false;
    }
    SignalSink old = signal;
    signal = newSignal;
    resumeByNanos = 0;
    old.close();
    log.info("{}: resumed ({})", model.identity(), reason);
    signal.send(SignalResponse.newBuilder().setReconnect(LivekitRtc.ReconnectResponse.newBuilder()
        .setServerInfo(node.serverInfo()).setLastMessageSeq(lastReliableSequence)).build());
    List<ParticipantInfo> everyone = new ArrayList<>();
    for (Participant p : room.participants()) {
      if (!p.hidden() || p == model) {
        everyone.add(p.info());
      }
    }
    signal.send(SignalResponse.newBuilder().setUpdate(LivekitRtc.ParticipantUpdate.newBuilder()
        .addAllParticipants(everyone)).build());
    signal.send(SignalResponse.newBuilder().setRoomUpdate(LivekitRtc.RoomUpdate.newBuilder()
        .setRoom(room.snapshot())).build());
    refreshToken(System.nanoTime());
    subscribing.restartIce();
    return true;
  }

  /**
   * The client's offer on its publisher connection (v1: its only one): answered, then the tracks
   * it binds are published and (v1) the receive sections it brings are filled.
   */
  private void onOffer(LivekitRtc.SessionDescription offer, long now) {
    if (publisher == null) {
      publisher = node.newSession(this::onPublisherOutput);
      publisher.setCodecPreference(publishing::requestedCodec);
    }
    String answer;
    try {
      answer = publisher.handleOffer(offer.getSdp(), now);
    } catch (SdpFormatException e) {
      log.info("{}: bad publisher offer: {}", model.identity(), e.getMessage());
      return;
    }
    node.flush(publisher);
    LivekitRtc.SessionDescription.Builder reply = LivekitRtc.SessionDescription.newBuilder()
        .setType("answer").setSdp(answer).setId(offer.getId());
    subscribing.putMidToTrackIds(reply);
    signal.send(SignalResponse.newBuilder().setAnswer(reply).build());
    if (options.singlePeerConnection()) {
      subscribing.answered(now);
    }
    publishing.sectionsChanged(publisher);
    if (options.singlePeerConnection()) {
      subscribing.requestOffer(false); // subscriptions still without a section need more
    }
  }

  /**
   * A client SDK's reconnection drill (livekit's SimulateScenario): {@code node_failure} drops the
   * signal connection as a dying node would; {@code server_leave} and
   * {@code leave_request_full_reconnect} send a leave that asks the client to rejoin. Either way the
   * session ends here, so the client's resume is refused and it comes back through a new join.
   * {@code switch_candidate_protocol} restarts ICE from our side: {@link #requestResume}.
   */
  private void onSimulate(LivekitRtc.SimulateScenario scenario) {
    switch (scenario.getScenarioCase()) {
      case NODE_FAILURE, MIGRATION, DISCONNECT_SIGNAL_ON_RESUME, DISCONNECT_SIGNAL_ON_RESUME_NO_MESSAGES ->
          leave(DisconnectReason.SIGNAL_CLOSE, false);
      case SWITCH_CANDIDATE_PROTOCOL -> requestResume();
      case SERVER_LEAVE, LEAVE_REQUEST_FULL_RECONNECT -> {
        signal.send(SignalResponse.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder().setCanReconnect(true)
            .setReason(scenario.hasServerLeave() ? DisconnectReason.SERVER_SHUTDOWN : DisconnectReason.CLIENT_INITIATED)
            .setAction(LivekitRtc.LeaveRequest.Action.RECONNECT)).build());
        leave(DisconnectReason.SERVER_SHUTDOWN, false);
      }
      default -> log.debug("{}: ignored simulated scenario {}", model.identity(), scenario.getScenarioCase());
    }
  }

  /**
   * A server-initiated resume: a leave with action RESUME, then the signal connection closes while
   * the session waits; the client's resume restarts ICE on every connection (the only way to
   * restart ICE on a connection the client offers, such as v1's one).
   */
  private void requestResume() {
    if (!mediaUp()) {
      return; // nothing to restart yet
    }
    log.info("{}: asking the client to resume (ICE restart)", model.identity());
    SignalSink current = signal;
    current.send(SignalResponse.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder().setCanReconnect(true)
        .setReason(DisconnectReason.MIGRATION).setAction(LivekitRtc.LeaveRequest.Action.RESUME)).build());
    current.close(); // its close finds our media up: the session waits for the resume
  }

  private void onUpdateMetadata(LivekitRtc.UpdateParticipantMetadata req) {
    if (!grants.video().mayUpdateOwnMetadata()) {
      return;
    }
    room.participantChanged(model, b -> {
      if (!req.getMetadata().isEmpty()) {
        b.setMetadata(req.getMetadata());
      }
      if (!req.getName().isEmpty()) {
        b.setName(req.getName());
      }
      b.putAllAttributes(req.getAttributesMap());
    });
  }

  @Override
  public void updateSubscriptions(Set<String> trackSids, boolean subscribe) {
    subscribing.update(trackSids, subscribe);
  }

  // ---- the connections' events ----

  private void onPublisherOutput(PeerSession session, PeerOutput output) {
    switch (output) {
      case PeerOutput.RtpReceived r -> publishing.onRtp(r.packet(), System.nanoTime());
      case PeerOutput.RtcpReceived r -> {
        List<RtcpPacket> packets = rtcp(r.packet());
        long now = System.nanoTime();
        publishing.onRtcp(packets, now);
        if (options.singlePeerConnection()) {
          subscribing.onRtcp(packets, now); // feedback on what we send rides the same connection
        }
      }
      case PeerOutput.DataChannelOpened o -> {
        if (options.singlePeerConnection() && o.label().equals(RELIABLE)) {
          reliableStream = o.streamId();
          sendUnsent();
        } else if (options.singlePeerConnection() && o.label().equals(LOSSY)) {
          lossyStream = o.streamId();
        }
      }
      case PeerOutput.DataReceived d -> onData(d);
      case PeerOutput.Connected c -> active();
      case PeerOutput.Closed c -> connectionClosed("publisher", c.reason());
      default -> { }
    }
  }

  private void onSubscriberOutput(PeerSession session, PeerOutput output) {
    switch (output) {
      case PeerOutput.RtcpReceived r -> subscribing.onRtcp(rtcp(r.packet()), System.nanoTime());
      case PeerOutput.Connected c -> {
        long now = System.nanoTime();
        reliableStream = subscriber.openDataChannel(RELIABLE, true, now);
        lossyStream = subscriber.openDataChannel(LOSSY, false, 0, now); // as livekit-server: unordered, no retransmits
        sendUnsent();
        active();
      }
      case PeerOutput.DataReceived d -> onData(d);
      case PeerOutput.Closed c -> connectionClosed("subscriber", c.reason());
      default -> { }
    }
  }

  /**
   * A media connection failed. With the signal connection up the client sees it too and resumes
   * or rejoins; without it (waiting for a resume) nothing will bring the participant back.
   */
  private void connectionClosed(String which, String reason) {
    if (closed) {
      return;
    }
    log.info("{}: {} connection closed: {}", model.identity(), which, reason);
    if (signal == LOST) {
      leave(DisconnectReason.CONNECTION_TIMEOUT, false);
    }
  }

  private static List<RtcpPacket> rtcp(byte[] packet) {
    List<RtcpPacket> packets = new ArrayList<>();
    try {
      RtcpPacket.parseCompound(packet, 0, packet.length, packets);
    } catch (WireFormatException e) {
      // the packets before the malformed one were kept
    }
    return packets;
  }

  private void active() {
    if (model.info().getState() != ParticipantInfo.State.ACTIVE) {
      room.participantStateChanged(model, ParticipantInfo.State.ACTIVE);
    }
  }

  /**
   * Every 20 ms: the publishing side's feedback; every second, sender reports to the subscriber
   * and receiver reports to the publisher; every 5 s connection quality; every 5 min a token.
   */
  private void tick() {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    if (resumeByNanos != 0 && now - resumeByNanos > 0) {
      log.info("{}: not resumed in time", model.identity());
      leave(DisconnectReason.SIGNAL_CLOSE, false);
      return;
    }
    publishing.tick(now);
    subscribing.allocate(now);
    subscribing.probe(now);
    if (now - lastReportsNanos >= 1_000_000_000L) {
      lastReportsNanos = now;
      subscribing.sendSenderReports();
      publishing.sendReceiverReports(now);
    }
    if (now - lastRefreshNanos >= REFRESH_INTERVAL_NANOS) {
      refreshToken(now);
    }
    if (now - lastQualityNanos >= QUALITY_INTERVAL_NANOS) {
      lastQualityNanos = now;
      sendConnectionQuality();
    }
  }

  private void refreshToken(long now) {
    lastRefreshNanos = now;
    String token = tokens.get();
    if (!token.isEmpty()) {
      signal.send(SignalResponse.newBuilder().setRefreshToken(token).build());
    }
  }

  /**
   * Every few seconds, each participant is told how every visible participant's connection is
   * doing (LiveKit's connection_quality), graded by the loss on what they publish.
   */
  private void sendConnectionQuality() {
    LivekitRtc.ConnectionQualityUpdate.Builder update = LivekitRtc.ConnectionQualityUpdate.newBuilder();
    for (Participant p : room.participants()) {
      if (p.session() instanceof RtcParticipant other && !p.hidden()) {
        double loss = other.publishing.lossPercent();
        LivekitModels.ConnectionQuality quality = loss < 2 ? LivekitModels.ConnectionQuality.EXCELLENT
            : loss < 8 ? LivekitModels.ConnectionQuality.GOOD : LivekitModels.ConnectionQuality.POOR;
        float score = (float) Math.max(1.0, 4.5 - loss / 5);
        update.addUpdates(LivekitRtc.ConnectionQualityInfo.newBuilder().setParticipantSid(p.sid())
            .setQuality(quality).setScore(score));
      }
    }
    if (update.getUpdatesCount() > 0) {
      signal.send(SignalResponse.newBuilder().setConnectionQuality(update).build());
    }
  }

  // ---- data ----

  /** A data packet from this participant: stamped with its identity (blank if hidden) and routed. */
  private void onData(PeerOutput.DataReceived d) {
    if (!d.binary() || !grants.video().mayPublishData()) {
      return;
    }
    DataPacket packet;
    try {
      packet = DataPacket.parseFrom(d.data());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      log.debug("{}: malformed data packet dropped: {}", model.identity(), e.getMessage());
      return;
    }
    boolean reliable = !d.label().equals(LOSSY);
    if (reliable && packet.getSequence() != 0) {
      // after a resume the client resends what followed the last_message_seq we reported: once only
      if (lastReliableSequence != 0 && Integer.compareUnsigned(packet.getSequence(), lastReliableSequence) <= 0) {
        return;
      }
      lastReliableSequence = packet.getSequence();
    }
    boolean hidden = model.hidden();
    DataPacket.Builder stamped = packet.toBuilder()
        .setParticipantIdentity(hidden ? "" : model.identity()).setParticipantSid(hidden ? "" : model.sid());
    if (packet.hasUser()) {
      stamped.getUserBuilder().setParticipantIdentity(hidden ? "" : model.identity())
          .setParticipantSid(hidden ? "" : model.sid());
    }
    List<String> destinations = new ArrayList<>(packet.getDestinationIdentitiesList());
    if (packet.hasUser()) {
      destinations.addAll(packet.getUser().getDestinationIdentitiesList());
    }
    DataPacket out = stamped.build();
    for (Participant p : room.participants()) {
      if (p != model && (destinations.isEmpty() || destinations.contains(p.identity()))) {
        p.session().sendData(out, reliable);
      }
    }
  }

  @Override
  public void sendData(DataPacket packet, boolean reliable) {
    if (closed) {
      return;
    }
    int stream = reliable || lossyStream < 0 ? reliableStream : lossyStream;
    PeerSession downstream = downstream();
    if (downstream == null || stream < 0) {
      // a participant that has just joined (a rejoin after a drain, say) is sent reliable data
      // once its channel opens rather than losing it; lossy data is lossy
      if (reliable && unsent.size() < MAX_UNSENT) {
        unsent.add(packet);
      } else if (reliable) {
        log.info("{}: reliable data channel not open and {} messages waiting: one dropped", model.identity(), MAX_UNSENT);
      }
      return;
    }
    downstream.sendBinary(stream, packet.toByteArray(), System.nanoTime());
    node.flush(downstream);
  }

  private void sendUnsent() {
    PeerSession downstream = downstream();
    if (downstream == null || reliableStream < 0 || unsent.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (DataPacket p; (p = unsent.poll()) != null; ) {
      downstream.sendBinary(reliableStream, p.toByteArray(), now);
    }
    node.flush(downstream);
  }

  // ---- draining ----

  @Override
  public void askToRejoin(DisconnectReason reason, List<String> urls) {
    if (closed || rejoinAsked) {
      return;
    }
    rejoinAsked = true;
    LivekitRtc.RegionSettings.Builder regions = LivekitRtc.RegionSettings.newBuilder();
    for (String url : urls) {
      regions.addRegions(LivekitRtc.RegionInfo.newBuilder().setUrl(url));
    }
    signal.send(SignalResponse.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder().setReason(reason)
        .setAction(LivekitRtc.LeaveRequest.Action.RECONNECT).setCanReconnect(true).setRegions(regions)).build());
  }

  @Override
  public boolean doneSending() {
    return closed || doneSending;
  }

  @Override
  public boolean delivered() {
    PeerSession downstream = downstream();
    return closed || downstream == null || !downstream.dataPending();
  }

  // ---- leaving ----

  @Override
  public void send(SignalResponse message) {
    if (!closed) {
      signal.send(message);
    }
  }

  /** Removed by the room or the server: tell the client why, then close. */
  @Override
  public void close(DisconnectReason reason) {
    closeWith(reason, LivekitRtc.LeaveRequest.Action.DISCONNECT);
  }

  @Override
  public void closeForRejoin(DisconnectReason reason) {
    closeWith(reason, LivekitRtc.LeaveRequest.Action.RECONNECT);
  }

  private void closeWith(DisconnectReason reason, LivekitRtc.LeaveRequest.Action action) {
    if (closed) {
      return;
    }
    if (rejoinAsked) { // told already, with where to go
      shutdown();
      return;
    }
    signal.send(SignalResponse.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder()
        .setReason(reason).setAction(action).setCanReconnect(action != LivekitRtc.LeaveRequest.Action.DISCONNECT))
        .build());
    shutdown();
  }

  private void leave(DisconnectReason reason, boolean tellClient) {
    if (closed) {
      return;
    }
    if (tellClient) {
      close(reason);
    } else {
      shutdown();
    }
    if (room.participant(model.identity()).orElse(null) == model) { // not a successor with our identity
      room.leave(model.identity(), java.time.Instant.now());
    }
  }

  /** Stops media both ways: our tracks leave their subscribers, our subscriptions end. */
  private void shutdown() {
    closed = true;
    if (stopTicking != null) {
      stopTicking.run();
    }
    publishing.unpublishAll();
    node.speakers().remove(room, model);
    subscribing.unsubscribeAll();
    if (publisher != null) {
      node.remove(publisher);
    }
    if (subscriber != null) {
      node.remove(subscriber);
    }
    signal.close();
  }

  private static ParticipantInfo.Kind kind(String kind) {
    return switch (kind) {
      case "ingress" -> ParticipantInfo.Kind.INGRESS;
      case "egress" -> ParticipantInfo.Kind.EGRESS;
      case "sip" -> ParticipantInfo.Kind.SIP;
      case "agent" -> ParticipantInfo.Kind.AGENT;
      default -> ParticipantInfo.Kind.STANDARD;
    };
  }

  private static TrackSource source(String name) {
    return switch (name) {
      case "camera" -> TrackSource.CAMERA;
      case "microphone" -> TrackSource.MICROPHONE;
      case "screen_share" -> TrackSource.SCREEN_SHARE;
      case "screen_share_audio" -> TrackSource.SCREEN_SHARE_AUDIO;
      default -> TrackSource.UNKNOWN;
    };
  }
}
