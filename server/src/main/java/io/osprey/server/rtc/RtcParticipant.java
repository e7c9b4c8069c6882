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
   * What the participant's connection asked for.
   *
   * @param singlePeerConnection {@code /rtc/v1}: one connection both ways, the client always offers
   */
  public record Options(boolean autoSubscribe, int protocol, boolean singlePeerConnection) {}

  private final MediaNode node;
  private final Room room;
  private final ClaimGrants grants;
  private final Options options;
  private final SignalSink signal;
  private final java.util.function.Supplier<String> tokens;
  private final Participant model;
  private final Publishing publishing = new Publishing(this);
  private final Subscribing subscribing = new Subscribing(this);
  private PeerSession publisher;
  private PeerSession subscriber;
  private int reliableStream = -1;
  private int lossyStream = -1;
  private java.util.concurrent.ScheduledFuture<?> ticker;
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
    ticker = node.loop().scheduleAtFixedRate(this::tick, 20, 20, java.util.concurrent.TimeUnit.MILLISECONDS);
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
   * The signal connection closed without a leave: the participant is gone. {@code aborted}: it
   * went silent rather than closing (webhook participant_connection_aborted as well).
   */
  public void signalClosed(boolean aborted) {
    if (!closed) {
      if (aborted) {
        room.connectionAborted(model);
      }
      leave(DisconnectReason.SIGNAL_CLOSE, false);
    }
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
   * session ends here: Osprey's sessions do not outlive their WebSocket (a resume is answered with a
   * full rejoin), so the client comes back through a new join.
   */
  private void onSimulate(LivekitRtc.SimulateScenario scenario) {
    switch (scenario.getScenarioCase()) {
      case NODE_FAILURE, DISCONNECT_SIGNAL_ON_RESUME, DISCONNECT_SIGNAL_ON_RESUME_NO_MESSAGES ->
          leave(DisconnectReason.SIGNAL_CLOSE, false);
      case SERVER_LEAVE, LEAVE_REQUEST_FULL_RECONNECT -> {
        signal.send(SignalResponse.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder().setCanReconnect(true)
            .setReason(scenario.hasServerLeave() ? DisconnectReason.SERVER_SHUTDOWN : DisconnectReason.CLIENT_INITIATED)
            .setAction(LivekitRtc.LeaveRequest.Action.RECONNECT)).build());
        leave(DisconnectReason.SERVER_SHUTDOWN, false);
      }
      default -> log.debug("{}: ignored simulated scenario {}", model.identity(), scenario.getScenarioCase());
    }
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
      case PeerOutput.Closed c -> {
        if (!closed) {
          log.info("{}: publisher connection closed: {}", model.identity(), c.reason());
        }
      }
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
      case PeerOutput.Closed c -> {
        if (!closed) {
          log.info("{}: subscriber connection closed: {}", model.identity(), c.reason());
        }
      }
      default -> { }
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
      room.participantChanged(model, b -> b.setState(ParticipantInfo.State.ACTIVE));
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
    publishing.tick(now);
    subscribing.allocate(now);
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
    room.leave(model.identity(), java.time.Instant.now());
  }

  /** Stops media both ways: our tracks leave their subscribers, our subscriptions end. */
  private void shutdown() {
    closed = true;
    if (ticker != null) {
      ticker.cancel(false);
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
