package io.osprey.server.rtc;

import io.osprey.protocol.Guid;
import io.osprey.protocol.auth.ClaimGrants;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitModels.DataPacket;
import io.osprey.protocol.livekit.LivekitModels.DisconnectReason;
import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
import io.osprey.protocol.livekit.LivekitModels.TrackInfo;
import io.osprey.protocol.livekit.LivekitModels.TrackSource;
import io.osprey.protocol.livekit.LivekitModels.TrackType;
import io.osprey.protocol.livekit.LivekitRtc;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.server.room.Participant;
import io.osprey.server.room.ParticipantSession;
import io.osprey.server.room.Room;
import io.osprey.transport.session.PeerOutput;
import io.osprey.transport.session.PeerSession;
import io.osprey.transport.session.RemoteSection;
import io.osprey.transport.session.SendSection;
import io.osprey.wire.WireFormatException;
import io.osprey.wire.rtcp.RtcpPacket;
import io.osprey.wire.rtp.RtpPacket;
import io.osprey.wire.sdp.SdpFormatException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant connected over {@code /rtc} (LiveKit's v0 protocol, two peer connections): its
 * signal requests, its publisher connection (the client offers, we answer and receive), its
 * subscriber connection (we offer the tracks it subscribes to and send), its published tracks and
 * its data channels. Lives on the media loop, which is also its room's loop: no locks.
 */
public final class RtcParticipant implements ParticipantSession {
  private static final Logger log = LoggerFactory.getLogger(RtcParticipant.class);
  private static final String RELIABLE = "_reliable";
  private static final String LOSSY = "_lossy";
  private static final long KEY_FRAME_THROTTLE_NANOS = 500_000_000L;
  private static final long RETRANSMIT_INTERVAL_NANOS = 50_000_000L;
  private static final String MID_EXTENSION = "urn:ietf:params:rtp-hdrext:sdes:mid";
  private static final String RID_EXTENSION = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
  private static final String AUDIO_LEVEL_EXTENSION = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
  private static final String TRANSPORT_CC_EXTENSION =
      "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
  private static final long TWCC_INTERVAL_NANOS = 50_000_000L;
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
  private long lastRefreshNanos;
  private final Participant model;
  private final SecureRandom random = new SecureRandom();
  private final RtpPacket rtp = new RtpPacket();
  private final byte[] scratch = new byte[1500 + 64];
  private final int[] nackScratch = new int[256];
  private java.util.concurrent.ScheduledFuture<?> ticker;
  private final io.osprey.transport.rtpsession.TwccRecorder twcc = new io.osprey.transport.rtpsession.TwccRecorder(4096, 250);
  private final long[] twccMicros = new long[250];
  private long lastTwccNanos;
  private long lastSenderReportNanos;
  private long lastQualityNanos = System.nanoTime() - QUALITY_INTERVAL_NANOS + 2_000_000_000L; // first after 2 s
  private double lossPercent;
  private long twccMediaSsrc;

  private PeerSession publisher;
  private PeerSession subscriber;
  private final Map<String, TrackInfo> pendingTracks = new LinkedHashMap<>();
  private final Map<String, PublishedTrack> publishedByMid = new HashMap<>();
  private final Map<Long, PublishedTrack> publishedBySsrc = new HashMap<>();
  private final Map<String, DownTrack> downTracks = new LinkedHashMap<>();
  private final Map<Long, DownTrack> downTracksBySsrc = new HashMap<>();
  private final Map<String, DownTrack> downTracksByMid = new HashMap<>();
  /** v1: subscriptions waiting for a receive section of the client's next offer. */
  private final List<PublishedTrack> pendingSubscriptions = new ArrayList<>();
  private boolean awaitingOffer;
  private final List<SendSection> sections = new ArrayList<>();
  private int nextMid;
  private int offerId;
  private boolean offerInFlight;
  private boolean renegotiate;
  private int reliableStream = -1;
  private int lossyStream = -1;
  private boolean closed;

  /** Builds the participant (call on the room's loop, then {@link #join}). */
  /**
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

  /**
   * Joins the room: the JoinResponse goes out first, then (when the participant may subscribe)
   * the subscriber connection's offer with the server's data channels, then the subscriptions
   * to what is already published.
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
        .setServerVersion(ServerInfo.VERSION).setServerInfo(ServerInfo.INFO)
        .setSubscriberPrimary(subscriberPrimary).setPingTimeout(15).setPingInterval(5)).build());
    refreshToken(System.nanoTime());
    if (single) {
      publisher = node.newSession(this::onPublisherOutput);
      publisher.setSendPlanner(this::plan);
      if (options.autoSubscribe() && grants.video().maySubscribe()) {
        for (Participant p : room.participants()) {
          if (p.session() instanceof RtcParticipant other && other != this) {
            other.publishedByMid.values().forEach(this::subscribe);
          }
        }
      }
      // the client's first offer (with the join request, or right after) brings sections to fill
    } else if (subscriberPrimary) {
      subscriber = node.newSession(this::onSubscriberOutput);
      sections.add(SendSection.data(Integer.toString(nextMid++)));
      if (options.autoSubscribe()) {
        for (Participant p : room.participants()) {
          if (p.session() instanceof RtcParticipant other && other != this) {
            for (PublishedTrack t : other.publishedByMid.values()) {
              subscribe(t);
            }
          }
        }
      }
      negotiate();
    }
  }

  /** Handles one signal request (on the room's loop). */
  public void handle(SignalRequest request) {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    switch (request.getMessageCase()) {
      case OFFER -> onPublisherOffer(request.getOffer(), now);
      case ANSWER -> onSubscriberAnswer(request.getAnswer(), now);
      case TRICKLE -> { } // ICE-lite: the peer's address is learned from its checks
      case ADD_TRACK -> onAddTrack(request.getAddTrack());
      case MUTE -> onMute(request.getMute());
      case SUBSCRIPTION -> onSubscription(request.getSubscription());
      case TRACK_SETTING -> onTrackSetting(request.getTrackSetting());
      case LEAVE -> leave(DisconnectReason.CLIENT_INITIATED, false);
      case UPDATE_METADATA -> onUpdateMetadata(request.getUpdateMetadata());
      case PING -> signal.send(SignalResponse.newBuilder().setPong(System.currentTimeMillis()).build());
      case PING_REQ -> signal.send(SignalResponse.newBuilder().setPongResp(LivekitRtc.Pong.newBuilder()
          .setLastPingTimestamp(request.getPingReq().getTimestamp()).setTimestamp(System.currentTimeMillis())).build());
      default -> log.debug("{}: ignored signal request {}", model.identity(), request.getMessageCase());
    }
  }

  /** The signal connection closed without a leave: the participant is gone. */
  public void signalClosed() {
    if (!closed) {
      leave(DisconnectReason.SIGNAL_CLOSE, false);
    }
  }

  // ---- publishing ----

  private void onAddTrack(LivekitRtc.AddTrackRequest req) {
    String source = switch (req.getSource()) {
      case CAMERA -> "camera";
      case MICROPHONE -> "microphone";
      case SCREEN_SHARE -> "screen_share";
      case SCREEN_SHARE_AUDIO -> "screen_share_audio";
      default -> req.getType() == TrackType.AUDIO ? "microphone" : "camera";
    };
    if (!grants.video().mayPublishSource(source)) {
      log.info("{}: add_track refused: may not publish {}", model.identity(), source);
      return; // livekit-server drops it; the client times out the publish
    }
    if (req.getCid().isEmpty() || pendingTracks.containsKey(req.getCid())) {
      log.info("{}: add_track refused: empty or duplicate cid", model.identity());
      return;
    }
    TrackInfo track = TrackInfo.newBuilder().setSid(Guid.next(Guid.TRACK)).setType(req.getType())
        .setName(req.getName()).setSource(req.getSource()).setMuted(req.getMuted())
        .setWidth(req.getWidth()).setHeight(req.getHeight()).addAllLayers(req.getLayersList())
        .setSimulcast(req.getLayersCount() > 1).setDisableDtx(req.getDisableDtx()).setStereo(req.getStereo())
        .setDisableRed(req.getDisableRed()).setEncryption(req.getEncryption()).setStream(req.getStream())
        .build();
    pendingTracks.put(req.getCid(), track);
    signal.send(SignalResponse.newBuilder().setTrackPublished(LivekitRtc.TrackPublishedResponse.newBuilder()
        .setCid(req.getCid()).setTrack(track)).build());
  }

  private void onPublisherOffer(LivekitRtc.SessionDescription offer, long now) {
    if (publisher == null) {
      publisher = node.newSession(this::onPublisherOutput);
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
    downTracksByMid.forEach((mid, d) -> reply.putMidToTrackId(mid, d.track.sid()));
    signal.send(SignalResponse.newBuilder().setAnswer(reply).build());
    awaitingOffer = false;
    for (DownTrack d : downTracksByMid.values()) {
      if (d.offeredIn == 0) { // filled by this answer
        d.offeredIn = -1;
        d.negotiated = true;
        d.track.owner.requestKeyFrame(d.track, d.forwarder.targetLayer(), now);
      }
    }
    for (PublishedTrack t : List.copyOf(publishedByMid.values())) {
      RemoteSection s = publisher.remoteSections().get(t.mid);
      if (s == null || !s.peerSends()) {
        unpublish(t); // the client stopped sending it (unpublishTrack)
      }
    }
    for (RemoteSection s : publisher.remoteSections().values()) {
      if (s.peerSends() && !publishedByMid.containsKey(s.mid())) {
        TrackInfo pending = pendingTracks.remove(s.msidTrack());
        if (pending == null) {
          pending = firstPending(s.kind());
        }
        if (pending != null) {
          publish(s, pending);
        }
      }
    }
    if (options.singlePeerConnection()) {
      requestOffer(false); // subscriptions still without a section need more
    }
  }

  /**
   * v1: fills a receive section the client offered with a track waiting for one, choosing the
   * client's payload type for the track's codec. Called while the offer is answered.
   */
  private SendSection plan(RemoteSection offered) {
    DownTrack existing = downTracksByMid.get(offered.mid());
    if (existing != null) {
      return existing.section;
    }
    for (java.util.Iterator<PublishedTrack> it = pendingSubscriptions.iterator(); it.hasNext(); ) {
      PublishedTrack t = it.next();
      if (!t.kind().equals(offered.kind())) {
        continue;
      }
      var codec = offered.codecLike(t.codec);
      if (codec.isEmpty()) {
        continue; // the client cannot take this codec on this section
      }
      it.remove();
      long ssrc = (random.nextInt() & 0x7fffffffL) | 1;
      SendSection section = new SendSection(offered.mid(), t.kind(), codec.get(), ssrc,
          t.owner.model.sid() + "|" + t.sid(), t.sid(), true);
      DownTrack d = new DownTrack(t, this, section);
      downTracks.put(t.sid(), d);
      downTracksBySsrc.put(ssrc, d);
      downTracksByMid.put(offered.mid(), d);
      t.downTracks.add(d);
      return section;
    }
    return null;
  }

  /**
   * v1: asks the client for a new offer ({@code media_sections_requirement}) with as many more
   * receive sections as the waiting subscriptions need beyond the free ones; {@code force} asks
   * even when nothing waits (a section was freed).
   */
  private void requestOffer(boolean force) {
    if (publisher == null || awaitingOffer || closed || (pendingSubscriptions.isEmpty() && !force)) {
      return;
    }
    int audio = 0;
    int video = 0;
    for (PublishedTrack t : pendingSubscriptions) {
      if (t.audio) {
        audio++;
      } else {
        video++;
      }
    }
    for (RemoteSection s : publisher.remoteSections().values()) {
      if (s.peerReceives() && !downTracksByMid.containsKey(s.mid())) {
        if (s.kind().equals("audio")) {
          audio--;
        } else if (s.kind().equals("video")) {
          video--;
        }
      }
    }
    awaitingOffer = true;
    signal.send(SignalResponse.newBuilder().setMediaSectionsRequirement(LivekitRtc.MediaSectionsRequirement.newBuilder()
        .setNumAudios(Math.max(0, audio)).setNumVideos(Math.max(0, video))).build());
  }

  private TrackInfo firstPending(String kind) {
    TrackType type = kind.equals("audio") ? TrackType.AUDIO : TrackType.VIDEO;
    for (var e : pendingTracks.entrySet()) {
      if (e.getValue().getType() == type) {
        pendingTracks.remove(e.getKey());
        return e.getValue();
      }
    }
    return null;
  }

  private void publish(RemoteSection section, TrackInfo pending) {
    TrackInfo info = pending.toBuilder().setMid(section.mid()).setMimeType(section.codec().mimeType(section.kind()))
        .setSimulcast(section.rids().size() > 1 || pending.getSimulcast()).build();
    PublishedTrack track = new PublishedTrack(this, section.mid(), section.codec(), info, section.rids(),
        Math.max(16, info.getType() == TrackType.AUDIO ? node.config().packetBufferSizeAudio()
            : node.config().packetBufferSizeVideo()));
    publishedByMid.put(section.mid(), track);
    if (section.rids().isEmpty()) {
      for (Long ssrc : section.ssrcs()) {
        track.bind(ssrc, "");
        publishedBySsrc.put(ssrc, track);
      }
    }
    room.trackPublished(model, info);
    log.debug("{}: published {} {} on mid {}", model.identity(), info.getSid(), info.getMimeType(), section.mid());
    for (Participant p : room.participants()) {
      if (p.session() instanceof RtcParticipant other && other != this && other.options.autoSubscribe()
          && other.grants.video().maySubscribe()) {
        other.subscribe(track);
        other.negotiate();
      }
    }
  }

  /** Stops a published track: its subscribers lose it, the room and webhooks are told. */
  private void unpublish(PublishedTrack t) {
    publishedByMid.remove(t.mid);
    publishedBySsrc.values().removeIf(x -> x == t);
    for (DownTrack d : List.copyOf(t.downTracks)) {
      d.subscriber.unsubscribe(t.sid());
      d.subscriber.negotiate();
    }
    room.trackUnpublished(model, t.sid());
    log.debug("{}: unpublished {}", model.identity(), t.sid());
  }

  private void onMute(LivekitRtc.MuteTrackRequest req) {
    for (PublishedTrack t : publishedByMid.values()) {
      if (t.sid().equals(req.getSid())) {
        t.info = t.info.toBuilder().setMuted(req.getMuted()).build();
        model.tracks().put(t.sid(), t.info);
        room.participantChanged(model, b -> { });
        return;
      }
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

  private void onPublisherOutput(PeerSession session, PeerOutput output) {
    switch (output) {
      case PeerOutput.RtpReceived r -> onPublishedRtp(r.packet(), System.nanoTime());
      case PeerOutput.RtcpReceived r -> {
        onPublisherRtcp(r.packet());
        if (options.singlePeerConnection()) {
          onSubscriberRtcp(r.packet()); // feedback on what we send it rides the same connection
        }
      }
      case PeerOutput.DataChannelOpened o -> {
        if (options.singlePeerConnection() && o.label().equals(RELIABLE)) {
          reliableStream = o.streamId();
        } else if (options.singlePeerConnection() && o.label().equals(LOSSY)) {
          lossyStream = o.streamId();
        }
      }
      case PeerOutput.DataReceived d -> onData(d);
      case PeerOutput.Connected c -> {
        if (model.info().getState() != ParticipantInfo.State.ACTIVE) {
          room.participantChanged(model, b -> b.setState(ParticipantInfo.State.ACTIVE));
        }
      }
      case PeerOutput.Closed c -> {
        if (!closed) {
          log.info("{}: publisher connection closed: {}", model.identity(), c.reason());
        }
      }
      default -> { }
    }
  }

  private void onPublishedRtp(byte[] packet, long now) {
    try {
      rtp.wrap(packet, 0, packet.length);
    } catch (WireFormatException e) {
      return;
    }
    long ssrc = rtp.ssrc();
    int twccId = publisher.remoteExtensionId(TRANSPORT_CC_EXTENSION);
    long twccAt = twccId > 0 ? rtp.findExtension(twccId) : RtpPacket.NOT_FOUND;
    if (twccAt != RtpPacket.NOT_FOUND && (twccAt & 0xffff) == 2) {
      int at = (int) (twccAt >>> 16);
      twcc.handlePacket(((packet[at] & 0xff) << 8) | (packet[at + 1] & 0xff), now);
      twccMediaSsrc = ssrc;
    }
    PublishedTrack track = publishedBySsrc.get(ssrc);
    if (track == null) {
      track = bindByExtensions(ssrc);
      if (track == null) {
        return;
      }
    }
    track.receivedPackets++;
    int layer = track.layerBySsrc.get(ssrc);
    track.received(layer, now);
    int seq = rtp.sequenceNumber();
    track.caches[layer].put(seq, packet, 0, packet.length);
    track.stats[layer].handlePacket(seq, rtp.timestamp(), now);
    if (track.nacks[layer] != null) {
      track.nacks[layer].handlePacket(seq, now);
    }
    int headerLength = rtp.payloadOffset();
    if (rtp.payloadLength() == 0) { // padding only (bandwidth probing): subscribers must not see a gap
      for (DownTrack d : track.downTracks) {
        d.forwarder.skip(seq, layer);
      }
      return;
    }
    if (track.audio && !track.info.getMuted()) {
      int id = publisher.remoteExtensionId(AUDIO_LEVEL_EXTENSION);
      long level = id > 0 ? rtp.findExtension(id) : RtpPacket.NOT_FOUND;
      if (level != RtpPacket.NOT_FOUND) {
        node.speakers().observe(room, model, packet[(int) (level >>> 16)] & 0x7f, now);
      }
    }
    boolean keyFrame = track.audio || track.videoCodec.isKeyFrame(packet, headerLength, rtp.payloadLength());
    for (DownTrack d : track.downTracks) {
      if (d.flowing()) {
        d.subscriber.forward(d, packet, headerLength, seq, rtp.timestamp(), layer, keyFrame, now);
      }
    }
  }

  /** Keeps the publisher's sender reports: they are translated for each subscriber (lip sync). */
  private void onPublisherRtcp(byte[] packet) {
    List<RtcpPacket> packets = new ArrayList<>();
    try {
      RtcpPacket.parseCompound(packet, 0, packet.length, packets);
    } catch (WireFormatException e) {
      // the packets before the malformed one were kept
    }
    for (RtcpPacket p : packets) {
      if (p instanceof RtcpPacket.SenderReport sr) {
        PublishedTrack t = publishedBySsrc.get(sr.ssrc());
        Integer layer = t == null ? null : t.layerBySsrc.get(sr.ssrc());
        if (layer != null) {
          t.srNtp[layer] = sr.ntpTimestamp();
          t.srRtp[layer] = sr.rtpTimestamp();
          t.hasSr[layer] = true;
          t.stats[layer].handleSenderReport(sr.ntpTimestamp(), System.nanoTime());
        }
      }
    }
  }

  /** Binds an unknown SSRC to a track by its mid and rid header extensions (simulcast). */
  private PublishedTrack bindByExtensions(long ssrc) {
    String mid = extensionText(publisher.remoteExtensionId(MID_EXTENSION));
    if (mid == null) {
      return null;
    }
    PublishedTrack track = publishedByMid.get(mid);
    if (track == null) {
      return null;
    }
    String rid = extensionText(publisher.remoteExtensionId(RID_EXTENSION));
    if (rid == null && track.simulcast()) {
      return null; // a layer is bound by its rid (RTX and probing streams carry repaired-rid instead)
    }
    track.bind(ssrc, rid == null ? "" : rid);
    publishedBySsrc.put(ssrc, track);
    return track;
  }

  private String extensionText(int id) {
    if (id <= 0) {
      return null;
    }
    long found = rtp.findExtension(id);
    if (found == RtpPacket.NOT_FOUND) {
      return null;
    }
    return new String(rtp.buffer(), (int) (found >>> 16), (int) (found & 0xffff), StandardCharsets.US_ASCII);
  }

  /** Asks the publisher for a key frame (PLI) on {@code layer} of {@code track}, throttled per layer. */
  void requestKeyFrame(PublishedTrack track, int layer, long now) {
    if (publisher == null || track.audio || layer < 0) {
      return;
    }
    long ssrc = track.ssrcByLayer[Math.min(layer, PublishedTrack.MAX_LAYERS - 1)];
    if (ssrc < 0 || !track.mayRequestKeyFrame(layer, now, KEY_FRAME_THROTTLE_NANOS)) {
      return;
    }
    log.debug("{}: key frame request for {} layer {}", model.identity(), track.sid(), layer);
    sendToPublisher(new RtcpPacket.PictureLossIndication(1, ssrc));
  }

  private void sendToPublisher(RtcpPacket packet) {
    byte[] encoded = packet.encode();
    byte[] buf = java.util.Arrays.copyOf(encoded, encoded.length + 64); // room for the SRTCP trailer
    if (publisher.sendRtcp(buf, 0, encoded.length)) {
      node.flush(publisher);
    }
  }

  /**
   * An SR per flowing down track, from its publisher's last SR for the layer being forwarded, its
   * RTP timestamp translated into the subscriber's stream: the browser aligns audio and video by it.
   */
  private void sendSenderReports() {
    for (DownTrack d : downTracks.values()) {
      int layer = d.forwarder.currentLayer();
      if (!d.flowing() || layer < 0 || !d.track.hasSr[layer]) {
        continue;
      }
      long rtpTs = d.forwarder.outTimestamp(layer, d.track.srRtp[layer]);
      if (rtpTs < 0) {
        continue;
      }
      byte[] sr = new RtcpPacket.SenderReport(d.section.ssrc(), d.track.srNtp[layer], rtpTs,
          d.forwarder.forwardedPackets() & 0xffffffffL, d.forwarder.forwardedBytes() & 0xffffffffL, List.of()).encode();
      byte[] buf = java.util.Arrays.copyOf(sr, sr.length + 64);
      downstream().sendRtcp(buf, 0, sr.length);
    }
    node.flush(downstream());
  }

  private void refreshToken(long now) {
    lastRefreshNanos = now;
    String token = tokens.get();
    if (!token.isEmpty()) {
      signal.send(SignalResponse.newBuilder().setRefreshToken(token).build());
    }
  }

  /**
   * Dynacast: tells the publisher which simulcast layers anyone watches
   * ({@code subscribed_quality_update}, every layer up to the highest wanted), at once when demand
   * rises and after {@code video.dynacast_pause_delay} when it falls, so a publisher stops encoding
   * what nobody receives. The client applies it when its room has dynacast on.
   */
  private void dynacast(long now) {
    for (PublishedTrack t : publishedByMid.values()) {
      if (t.audio || !t.simulcast()) {
        continue;
      }
      int demand = t.demand();
      if (demand == t.dynacastSent) {
        t.dynacastLowerSince = Long.MIN_VALUE;
        continue;
      }
      if (demand < t.dynacastSent) {
        if (t.dynacastLowerSince == Long.MIN_VALUE) {
          t.dynacastLowerSince = now;
        }
        if (now - t.dynacastLowerSince < node.dynacastPauseDelayNanos()) {
          continue;
        }
      }
      t.dynacastSent = demand;
      t.dynacastLowerSince = Long.MIN_VALUE;
      LivekitRtc.SubscribedCodec.Builder codec = LivekitRtc.SubscribedCodec.newBuilder()
          .setCodec(t.codec.name().toLowerCase(java.util.Locale.ROOT));
      LivekitRtc.SubscribedQualityUpdate.Builder update = LivekitRtc.SubscribedQualityUpdate.newBuilder()
          .setTrackSid(t.sid());
      for (int layer = 0; layer <= 2; layer++) {
        LivekitRtc.SubscribedQuality q = LivekitRtc.SubscribedQuality.newBuilder()
            .setQuality(LivekitModels.VideoQuality.forNumber(layer)).setEnabled(layer <= demand).build();
        codec.addQualities(q);
        update.addSubscribedQualities(q);
      }
      signal.send(SignalResponse.newBuilder().setSubscribedQualityUpdate(update.addSubscribedCodecs(codec)).build());
      log.debug("{}: dynacast {} up to layer {}", model.identity(), t.sid(), demand);
    }
  }

  /**
   * An RR to the publisher with a report block per layer it sends (loss, jitter, LSR/DLSR for its
   * round-trip time); the loss also grades this participant's connection quality.
   */
  private void sendReceiverReports(long now) {
    List<RtcpPacket.ReportBlock> blocks = new ArrayList<>();
    long expected = 0;
    long lost = 0;
    for (PublishedTrack t : publishedByMid.values()) {
      for (int layer = 0; layer < PublishedTrack.MAX_LAYERS; layer++) {
        var st = t.stats[layer];
        if (st == null || st.packetsReceived() == 0 || blocks.size() == 31) {
          continue;
        }
        int fraction = st.takeFractionLost();
        expected += 256;
        lost += fraction;
        blocks.add(new RtcpPacket.ReportBlock(t.ssrcByLayer[layer], fraction, st.cumulativeLost(),
            st.extendedHighestSequence(), st.jitter(), st.lastSenderReport(), st.delaySinceLastSenderReport(now)));
      }
    }
    if (!blocks.isEmpty()) {
      sendToPublisher(new RtcpPacket.ReceiverReport(1, blocks));
      lossPercent = expected == 0 ? 0 : 100.0 * lost / expected;
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
        double loss = other.lossPercent;
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

  /** Transport-wide feedback to the publisher: the arrival time of every packet, or its loss. */
  private void sendTransportFeedback(int feedbackCount, int baseSequence, long[] arrivalNanos, int count) {
    for (int i = 0; i < count; i++) {
      twccMicros[i] = arrivalNanos[i] < 0 ? -1 : arrivalNanos[i] / 1000;
    }
    sendToPublisher(io.osprey.wire.rtcp.TransportCc.of(1, twccMediaSsrc, baseSequence, feedbackCount, twccMicros, count));
  }

  /**
   * Every 20 ms: transport-wide feedback (every 50 ms) and NACKs to the publisher; every second,
   * sender reports to the subscriber.
   */
  private void tick() {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastSenderReportNanos >= 1_000_000_000L) {
      lastSenderReportNanos = now;
      if (downstream() != null) {
        sendSenderReports();
      }
      if (publisher != null && !publishedByMid.isEmpty()) {
        sendReceiverReports(now);
      }
    }
    if (!publishedByMid.isEmpty()) {
      dynacast(now);
    }
    if (now - lastRefreshNanos >= REFRESH_INTERVAL_NANOS) {
      refreshToken(now);
    }
    if (now - lastQualityNanos >= QUALITY_INTERVAL_NANOS) {
      lastQualityNanos = now;
      sendConnectionQuality();
    }
    if (publisher == null) {
      return;
    }
    if (now - lastTwccNanos >= TWCC_INTERVAL_NANOS && twcc.hasPending()) {
      lastTwccNanos = now;
      twcc.flush(this::sendTransportFeedback);
    }
    for (PublishedTrack t : publishedByMid.values()) {
      for (int layer = 0; layer < PublishedTrack.MAX_LAYERS; layer++) {
        var nack = t.nacks[layer];
        if (nack == null || nack.nextDeadlineNanos() > now) {
          continue;
        }
        int n = nack.pollNacks(now, nackScratch);
        if (n > 0) {
          List<Integer> lost = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            lost.add(nackScratch[i]);
          }
          sendToPublisher(new RtcpPacket.GenericNack(1, t.ssrcByLayer[layer], lost));
          node.countNackToPublisher();
        }
        if (nack.keyFrameNeeded()) {
          nack.clearKeyFrameNeeded();
          requestKeyFrame(t, layer, now);
        }
      }
    }
  }

  // ---- subscribing ----

  private void subscribe(PublishedTrack track) {
    if (downTracks.containsKey(track.sid()) || pendingSubscriptions.contains(track)) {
      return;
    }
    if (options.singlePeerConnection()) {
      pendingSubscriptions.add(track); // a receive section of the client's next offer takes it
      return;
    }
    if (subscriber == null) {
      return;
    }
    long ssrc = (random.nextInt() & 0x7fffffffL) | 1;
    String streamId = track.owner.model.sid() + "|" + track.sid();
    SendSection section = new SendSection(Integer.toString(nextMid++), track.kind(), track.codec, ssrc, streamId,
        track.sid(), true);
    sections.add(section);
    DownTrack d = new DownTrack(track, this, section);
    downTracks.put(track.sid(), d);
    downTracksBySsrc.put(ssrc, d);
    track.downTracks.add(d);
  }

  private void unsubscribe(String trackSid) {
    pendingSubscriptions.removeIf(t -> t.sid().equals(trackSid));
    DownTrack d = downTracks.remove(trackSid);
    if (d == null) {
      return;
    }
    downTracksByMid.remove(d.section.mid());
    d.track.downTracks.remove(d);
    downTracksBySsrc.remove(d.section.ssrc());
    int i = sections.indexOf(d.section);
    d.section = d.section.deactivate();
    if (i >= 0) {
      sections.set(i, d.section);
    }
  }

  private void onSubscription(LivekitRtc.UpdateSubscription req) {
    List<String> sids = new ArrayList<>(req.getTrackSidsList());
    req.getParticipantTracksList().forEach(pt -> sids.addAll(pt.getTrackSidsList()));
    updateSubscriptions(Set.copyOf(sids), req.getSubscribe());
  }

  @Override
  public void updateSubscriptions(Set<String> trackSids, boolean subscribe) {
    if (downstream() == null && !options.singlePeerConnection()) {
      return;
    }
    for (String sid : trackSids) {
      if (subscribe) {
        PublishedTrack t = findPublished(sid);
        if (t != null) {
          subscribe(t);
        }
      } else {
        unsubscribe(sid);
      }
    }
    negotiate();
  }

  private PublishedTrack findPublished(String trackSid) {
    for (Participant p : room.participants()) {
      if (p.session() instanceof RtcParticipant other && other != this) {
        for (PublishedTrack t : other.publishedByMid.values()) {
          if (t.sid().equals(trackSid)) {
            return t;
          }
        }
      }
    }
    return null;
  }

  private void onTrackSetting(LivekitRtc.UpdateTrackSettings req) {
    long now = System.nanoTime();
    for (String sid : req.getTrackSidsList()) {
      DownTrack d = downTracks.get(sid);
      if (d != null) {
        d.settings(req.getDisabled(), req.getWidth(), req.getHeight(), req.getQuality());
        if (d.forwarder.keyFrameWanted()) {
          d.track.owner.requestKeyFrame(d.track, d.forwarder.targetLayer(), now);
        }
      }
    }
  }

  /**
   * Brings the client up to date with our subscriptions: v0 offers the subscriber connection's
   * current sections (unless an offer awaits its answer); v1 asks the client to offer.
   */
  private void negotiate() {
    if (options.singlePeerConnection()) {
      requestOffer(true);
      return;
    }
    if (subscriber == null || closed) {
      return;
    }
    if (offerInFlight) {
      renegotiate = true;
      return;
    }
    renegotiate = false;
    offerInFlight = true;
    String sdp = subscriber.createServerOffer(sections);
    LivekitRtc.SessionDescription.Builder offer = LivekitRtc.SessionDescription.newBuilder()
        .setType("offer").setSdp(sdp).setId(++offerId);
    for (SendSection s : sections) {
      if (!s.isData() && s.active()) {
        offer.putMidToTrackId(s.mid(), s.trackId());
      }
    }
    for (DownTrack d : downTracks.values()) {
      if (d.offeredIn == 0) {
        d.offeredIn = offerId;
      }
    }
    signal.send(SignalResponse.newBuilder().setOffer(offer).build());
  }

  private void onSubscriberAnswer(LivekitRtc.SessionDescription answer, long now) {
    if (subscriber == null || !offerInFlight) {
      log.info("{}: unexpected subscriber answer", model.identity());
      return;
    }
    try {
      subscriber.handleAnswer(answer.getSdp(), now);
    } catch (SdpFormatException e) {
      log.info("{}: bad subscriber answer: {}", model.identity(), e.getMessage());
      return;
    }
    offerInFlight = false;
    node.flush(subscriber);
    for (DownTrack d : downTracks.values()) {
      if (!d.negotiated && d.offeredIn != 0 && d.offeredIn <= offerId) { // not those added since this offer
        d.negotiated = true;
        d.track.owner.requestKeyFrame(d.track, d.forwarder.targetLayer(), now);
      }
    }
    if (renegotiate) {
      negotiate();
    }
  }

  /** Sends one packet of a track this participant subscribes to (on the media loop). */
  void forward(DownTrack d, byte[] packet, int headerLength, int seq, long ts, int layer, boolean keyFrame, long now) {
    PeerSession downstream = downstream();
    if (downstream == null) {
      return;
    }
    d.retarget(now);
    int before = d.forwarder.currentLayer();
    int n = d.forwarder.forward(packet, 0, packet.length, headerLength, seq, ts, layer, keyFrame, scratch, 0, now);
    if (d.forwarder.currentLayer() != before) {
      log.debug("{}: {} now forwards layer {} (target {})", model.identity(), d.track.sid(), d.forwarder.currentLayer(),
          d.forwarder.targetLayer());
    }
    if (d.forwarder.keyFrameWanted()) {
      d.track.owner.requestKeyFrame(d.track, d.forwarder.targetLayer(), now);
    }
    if (n > 0 && n + 64 <= scratch.length && downstream.sendRtp(scratch, 0, n)) {
      node.flush(downstream);
    }
  }

  /** The connection this participant receives its subscriptions on (v0: subscriber; v1: the one). */
  private PeerSession downstream() {
    return options.singlePeerConnection() ? publisher : subscriber;
  }

  /** Resends what a subscriber NACKed, from the publisher's cache, as the subscriber first got it. */
  private void retransmit(DownTrack d, List<Integer> lost, long now) {
    for (int outSeq : lost) {
      int found = d.forwarder.lookupRetransmission(outSeq, now, RETRANSMIT_INTERVAL_NANOS);
      if (found < 0) {
        continue;
      }
      var cache = d.track.caches[found >>> 16];
      int n = cache == null ? -1 : cache.get(found & 0xffff, scratch, 0);
      if (n <= 0 || n + 64 > scratch.length) {
        continue;
      }
      try {
        rtp.wrap(scratch, 0, n);
      } catch (WireFormatException e) {
        continue;
      }
      d.forwarder.rewriteRetransmission(scratch, 0, n, rtp.payloadOffset(), outSeq);
      if (downstream().sendRtp(scratch, 0, n)) {
        node.countRetransmission();
      }
    }
    node.flush(downstream());
  }

  private void onSubscriberOutput(PeerSession session, PeerOutput output) {
    switch (output) {
      case PeerOutput.RtcpReceived r -> onSubscriberRtcp(r.packet());
      case PeerOutput.Connected c -> {
        long now = System.nanoTime();
        reliableStream = subscriber.openDataChannel(RELIABLE, true, now);
        lossyStream = subscriber.openDataChannel(LOSSY, false, 0, now); // as livekit-server: unordered, no retransmits
        if (model.info().getState() != ParticipantInfo.State.ACTIVE) {
          room.participantChanged(model, b -> b.setState(ParticipantInfo.State.ACTIVE));
        }
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

  private void onSubscriberRtcp(byte[] packet) {
    List<RtcpPacket> packets = new ArrayList<>();
    try {
      RtcpPacket.parseCompound(packet, 0, packet.length, packets);
    } catch (WireFormatException e) {
      // the packets before the malformed one were kept
    }
    long now = System.nanoTime();
    for (RtcpPacket p : packets) {
      switch (p) {
        case RtcpPacket.PictureLossIndication pli -> keyFrameRequested(downTracksBySsrc.get(pli.mediaSsrc()), now);
        case RtcpPacket.FullIntraRequest fir -> {
          for (long[] entry : fir.entries()) {
            keyFrameRequested(downTracksBySsrc.get(entry[0]), now);
          }
        }
        case RtcpPacket.GenericNack nack -> {
          DownTrack d = downTracksBySsrc.get(nack.mediaSsrc());
          if (d != null) {
            retransmit(d, nack.lost(), now);
          }
        }
        default -> { }
      }
    }
  }

  private void keyFrameRequested(DownTrack d, long now) {
    if (d != null) {
      int layer = d.forwarder.currentLayer() >= 0 ? d.forwarder.currentLayer() : d.forwarder.targetLayer();
      d.track.owner.requestKeyFrame(d.track, layer, now);
    }
  }

  // ---- data ----

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
    int stream = reliable || lossyStream < 0 ? reliableStream : lossyStream;
    PeerSession downstream = downstream();
    if (downstream == null || stream < 0 || closed) {
      return;
    }
    downstream.sendBinary(stream, packet.toByteArray(), System.nanoTime());
    node.flush(downstream);
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
    if (closed) {
      return;
    }
    signal.send(SignalResponse.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder()
        .setReason(reason).setAction(LivekitRtc.LeaveRequest.Action.DISCONNECT)).build());
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
    for (PublishedTrack t : List.copyOf(publishedByMid.values())) {
      unpublish(t);
    }
    node.speakers().remove(room, model);
    for (DownTrack d : downTracks.values()) {
      d.track.downTracks.remove(d);
    }
    downTracks.clear();
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
