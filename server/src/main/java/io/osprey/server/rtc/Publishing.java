package io.osprey.server.rtc;

import io.osprey.protocol.Guid;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitModels.TrackInfo;
import io.osprey.protocol.livekit.LivekitModels.TrackType;
import io.osprey.protocol.livekit.LivekitRtc;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.server.room.Participant;
import io.osprey.transport.rtpsession.TwccRecorder;
import io.osprey.transport.session.PeerSession;
import io.osprey.transport.session.RemoteSection;
import io.osprey.transport.session.RtpExtensions;
import io.osprey.wire.WireFormatException;
import io.osprey.wire.rtcp.RtcpPacket;
import io.osprey.wire.rtcp.TransportCc;
import io.osprey.wire.rtp.RtpPacket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one participant publishes: add_track and the tracks its offers bind (by msid, then kind),
 * the RTP it sends (bound to a track and simulcast layer by SSRC or mid/rid extensions, cached,
 * measured, handed to the subscribers' down tracks), and everything the SFU says back to it:
 * NACKs, key frame requests, transport-wide feedback, receiver reports and dynacast.
 * Confined to the media loop.
 */
final class Publishing {
  private static final Logger log = LoggerFactory.getLogger(Publishing.class);
  private static final long KEY_FRAME_THROTTLE_NANOS = 500_000_000L;
  private static final long TWCC_INTERVAL_NANOS = 50_000_000L;

  private final RtcParticipant self;
  private final RtpPacket rtp = new RtpPacket();
  private final Map<String, TrackInfo> pendingTracks = new LinkedHashMap<>();
  private final Map<String, String> requestedCodecs = new HashMap<>();
  private final Map<String, PublishedTrack> byMid = new HashMap<>();
  private final Map<Long, PublishedTrack> bySsrc = new HashMap<>();
  private final TwccRecorder twcc = new TwccRecorder(4096, 250);
  private final long[] twccMicros = new long[250];
  private final int[] nackScratch = new int[256];
  private final io.osprey.sfu.codec.Vp9Descriptor vp9 = new io.osprey.sfu.codec.Vp9Descriptor();
  private long twccMediaSsrc;
  private long lastTwccNanos;
  private double lossPercent;

  Publishing(RtcParticipant self) {
    this.self = self;
  }

  /** The tracks being published (for others to subscribe to). */
  Iterable<PublishedTrack> tracks() {
    return byMid.values();
  }

  boolean publishing() {
    return !byMid.isEmpty();
  }

  /** Loss on what this participant sends, in percent, from the last receiver report. */
  double lossPercent() {
    return lossPercent;
  }

  PublishedTrack track(String trackSid) {
    for (PublishedTrack t : byMid.values()) {
      if (t.sid().equals(trackSid)) {
        return t;
      }
    }
    return null;
  }

  /** add_track: checks the source may be published, then answers track_published with a new TR_ sid. */
  void onAddTrack(LivekitRtc.AddTrackRequest req) {
    String source = switch (req.getSource()) {
      case CAMERA -> "camera";
      case MICROPHONE -> "microphone";
      case SCREEN_SHARE -> "screen_share";
      case SCREEN_SHARE_AUDIO -> "screen_share_audio";
      default -> req.getType() == TrackType.AUDIO ? "microphone" : "camera";
    };
    if (!self.grants().video().mayPublishSource(source)) {
      log.info("{}: add_track refused: may not publish {}", self.model().identity(), source);
      return; // livekit-server drops it; the client times out the publish
    }
    if (req.getCid().isEmpty() || pendingTracks.containsKey(req.getCid())) {
      log.info("{}: add_track refused: empty or duplicate cid", self.model().identity());
      return;
    }
    TrackInfo.Builder track = TrackInfo.newBuilder().setSid(Guid.next(Guid.TRACK)).setType(req.getType())
        .setName(req.getName()).setSource(req.getSource()).setMuted(req.getMuted())
        .setWidth(req.getWidth()).setHeight(req.getHeight()).addAllLayers(req.getLayersList())
        .setSimulcast(req.getLayersCount() > 1).setDisableDtx(req.getDisableDtx()).setStereo(req.getStereo())
        .setDisableRed(req.getDisableRed()).setEncryption(req.getEncryption()).setStream(req.getStream());
    if (req.getType() == TrackType.VIDEO && req.getSimulcastCodecsCount() > 0
        && !req.getSimulcastCodecs(0).getCodec().isEmpty()) {
      // the codec the client asked for: echoed as the track's primary codec, and chosen in the answer
      String codec = req.getSimulcastCodecs(0).getCodec();
      track.addCodecs(LivekitModels.SimulcastCodecInfo.newBuilder().setMimeType("video/" + mimeName(codec))
          .setCid(req.getCid()));
      requestedCodecs.put(req.getCid(), codec);
    }
    TrackInfo info = track.build();
    pendingTracks.put(req.getCid(), info);
    self.signal().send(SignalResponse.newBuilder().setTrackPublished(LivekitRtc.TrackPublishedResponse.newBuilder()
        .setCid(req.getCid()).setTrack(info)).build());
  }

  /** The codec add_track asked for, by the track's cid (the msid track id of its section), or null. */
  String requestedCodec(String cid) {
    return requestedCodecs.get(cid);
  }

  /** livekit-client's codec names to SDP encoding names. */
  private static String mimeName(String codec) {
    return switch (codec.toLowerCase(Locale.ROOT)) {
      case "vp8" -> "VP8";
      case "vp9" -> "VP9";
      case "av1" -> "AV1";
      case "h264" -> "H264";
      case "h265" -> "H265";
      default -> codec;
    };
  }

  /**
   * After an offer was answered: sections no longer sent on unpublish their tracks, new sending
   * sections publish the track waiting for them (by the msid track id, which is the add_track cid).
   */
  void sectionsChanged(PeerSession publisher) {
    for (PublishedTrack t : List.copyOf(byMid.values())) {
      RemoteSection s = publisher.remoteSections().get(t.mid);
      if (s == null || !s.peerSends()) {
        unpublish(t); // the client stopped sending it (unpublishTrack)
      }
    }
    for (RemoteSection s : publisher.remoteSections().values()) {
      if (s.peerSends() && !byMid.containsKey(s.mid())) {
        TrackInfo pending = pendingTracks.remove(s.msidTrack());
        if (pending == null) {
          pending = firstPending(s.kind());
        }
        if (pending != null) {
          publish(s, pending);
        }
      }
    }
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
    TrackInfo.Builder published = pending.toBuilder().setMid(section.mid())
        .setMimeType(section.codec().mimeType(section.kind()));
    if (published.getCodecsCount() > 0) {
      published.setCodecs(0, published.getCodecs(0).toBuilder().setMimeType(section.codec().mimeType(section.kind()))
          .setMid(section.mid()));
    }
    TrackInfo info = published.setSimulcast(section.rids().size() > 1 || pending.getSimulcast()).build();
    var config = self.node().config();
    PublishedTrack track = new PublishedTrack(self, section.mid(), section.codec(), info, section.rids(),
        Math.max(16, info.getType() == TrackType.AUDIO ? config.packetBufferSizeAudio() : config.packetBufferSizeVideo()));
    byMid.put(section.mid(), track);
    if (section.rids().isEmpty()) {
      for (Long ssrc : section.ssrcs()) {
        track.bind(ssrc, "");
        bySsrc.put(ssrc, track);
      }
    }
    self.room().trackPublished(self.model(), info);
    log.debug("{}: published {} {} on mid {}", self.model().identity(), info.getSid(), info.getMimeType(), section.mid());
    for (Participant p : self.room().participants()) {
      if (p.session() instanceof RtcParticipant other && other != self && other.options().autoSubscribe()
          && other.grants().video().maySubscribe()) {
        other.subscribing().subscribe(track);
        other.subscribing().negotiate();
      }
    }
  }

  /** Stops a published track: its subscribers lose it, the room and webhooks are told. */
  void unpublish(PublishedTrack t) {
    byMid.remove(t.mid);
    bySsrc.values().removeIf(x -> x == t);
    for (DownTrack d : List.copyOf(t.downTracks)) {
      d.subscriber.subscribing().unsubscribe(t.sid());
      d.subscriber.subscribing().negotiate();
    }
    self.room().trackUnpublished(self.model(), t.sid());
    log.debug("{}: unpublished {}", self.model().identity(), t.sid());
  }

  /** Unpublishes everything (the participant leaves). */
  void unpublishAll() {
    for (PublishedTrack t : List.copyOf(byMid.values())) {
      unpublish(t);
    }
  }

  void onMute(LivekitRtc.MuteTrackRequest req) {
    PublishedTrack t = track(req.getSid());
    if (t != null) {
      t.info = t.info.toBuilder().setMuted(req.getMuted()).build();
      self.model().tracks().put(t.sid(), t.info);
      self.room().participantChanged(self.model(), b -> { });
    }
  }

  /** One decrypted RTP packet from the publisher. */
  void onRtp(byte[] packet, long now) {
    try {
      rtp.wrap(packet, 0, packet.length);
    } catch (WireFormatException e) {
      return;
    }
    PeerSession publisher = self.upstream();
    long ssrc = rtp.ssrc();
    int twccId = publisher.remoteExtensionId(RtpExtensions.TRANSPORT_CC);
    int twccAt = Subscribing.transportCcValueAt(rtp, twccId);
    if (twccAt >= 0) {
      twcc.handlePacket(((packet[twccAt] & 0xff) << 8) | (packet[twccAt + 1] & 0xff), now);
      twccMediaSsrc = ssrc;
    }
    PublishedTrack track = bySsrc.get(ssrc);
    if (track == null) {
      track = bindByExtensions(publisher, ssrc);
      if (track == null) {
        return;
      }
    }
    track.receivedPackets++;
    int layer = track.layerBySsrc.get(ssrc);
    track.received(track.scalable ? spatialLayer(packet) : layer, packet.length, now);
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
      int id = publisher.remoteExtensionId(RtpExtensions.AUDIO_LEVEL);
      long level = id > 0 ? rtp.findExtension(id) : RtpPacket.NOT_FOUND;
      if (level != RtpPacket.NOT_FOUND) {
        self.node().speakers().observe(self.room(), self.model(), packet[(int) (level >>> 16)] & 0x7f, now);
      }
    }
    boolean keyFrame = track.audio || track.videoCodec.isKeyFrame(packet, headerLength, rtp.payloadLength());
    for (DownTrack d : track.downTracks) {
      if (d.flowing()) {
        d.subscriber.subscribing().forward(d, packet, headerLength, seq, rtp.timestamp(), layer, keyFrame,
            twccAt, now);
      }
    }
  }

  /** The spatial layer of a VP9 SVC packet {@link #rtp} is over (0 for padding or an unreadable descriptor). */
  private int spatialLayer(byte[] packet) {
    if (rtp.payloadLength() == 0 || !vp9.wrap(packet, rtp.payloadOffset(), rtp.payloadLength())) {
      return 0;
    }
    return Math.min(vp9.spatialId(), PublishedTrack.MAX_LAYERS - 1);
  }

  /** Keeps the publisher's sender reports: they are translated for each subscriber (lip sync). */
  void onRtcp(List<RtcpPacket> packets, long now) {
    for (RtcpPacket p : packets) {
      if (p instanceof RtcpPacket.SenderReport sr) {
        PublishedTrack t = bySsrc.get(sr.ssrc());
        Integer layer = t == null ? null : t.layerBySsrc.get(sr.ssrc());
        if (layer != null) {
          t.srNtp[layer] = sr.ntpTimestamp();
          t.srRtp[layer] = sr.rtpTimestamp();
          t.hasSr[layer] = true;
          t.stats[layer].handleSenderReport(sr.ntpTimestamp(), now);
        }
      }
    }
  }

  /** Binds an unknown SSRC to a track by its mid and rid header extensions (simulcast). */
  private PublishedTrack bindByExtensions(PeerSession publisher, long ssrc) {
    String mid = extensionText(publisher.remoteExtensionId(RtpExtensions.MID));
    if (mid == null) {
      return null;
    }
    PublishedTrack track = byMid.get(mid);
    if (track == null) {
      return null;
    }
    String rid = extensionText(publisher.remoteExtensionId(RtpExtensions.RID));
    if (rid == null && track.simulcast()) {
      return null; // a layer is bound by its rid (RTX and probing streams carry repaired-rid instead)
    }
    track.bind(ssrc, rid == null ? "" : rid);
    bySsrc.put(ssrc, track);
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
    if (self.upstream() == null || track.audio || layer < 0) {
      return;
    }
    long ssrc = track.ssrcByLayer[Math.min(layer, PublishedTrack.MAX_LAYERS - 1)];
    if (ssrc < 0 || !track.mayRequestKeyFrame(layer, now, KEY_FRAME_THROTTLE_NANOS)) {
      return;
    }
    log.debug("{}: key frame request for {} layer {}", self.model().identity(), track.sid(), layer);
    sendToPublisher(new RtcpPacket.PictureLossIndication(1, ssrc));
  }

  private void sendToPublisher(RtcpPacket packet) {
    PeerSession publisher = self.upstream();
    if (publisher.sendRtcp(packet)) {
      self.node().flush(publisher);
    }
  }

  /** Every 20 ms: transport-wide feedback (every 50 ms), NACKs and their key frame fallback, dynacast. */
  void tick(long now) {
    if (self.upstream() == null) {
      return;
    }
    if (now - lastTwccNanos >= TWCC_INTERVAL_NANOS && twcc.hasPending()) {
      lastTwccNanos = now;
      twcc.flush(this::sendTransportFeedback);
    }
    if (byMid.isEmpty()) {
      return; // nothing published: no NACKs, no dynacast
    }
    for (PublishedTrack t : byMid.values()) {
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
          self.node().countNackToPublisher();
        }
        if (nack.keyFrameNeeded()) {
          nack.clearKeyFrameNeeded();
          requestKeyFrame(t, layer, now);
        }
      }
    }
    dynacast(now);
  }

  /** Transport-wide feedback to the publisher: the arrival time of every packet, or its loss. */
  private void sendTransportFeedback(int feedbackCount, int baseSequence, long[] arrivalNanos, int count) {
    for (int i = 0; i < count; i++) {
      twccMicros[i] = arrivalNanos[i] < 0 ? -1 : arrivalNanos[i] / 1000;
    }
    sendToPublisher(TransportCc.of(1, twccMediaSsrc, baseSequence, feedbackCount, twccMicros, count));
  }

  /**
   * Dynacast: tells the publisher which simulcast layers anyone watches
   * ({@code subscribed_quality_update}, every layer up to the highest wanted), at once when demand
   * rises and after {@code video.dynacast_pause_delay} when it falls, so a publisher stops encoding
   * what nobody receives. The client applies it when its room has dynacast on.
   */
  private void dynacast(long now) {
    for (PublishedTrack t : byMid.values()) {
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
        if (now - t.dynacastLowerSince < self.node().dynacastPauseDelayNanos()) {
          continue;
        }
      }
      t.dynacastSent = demand;
      t.dynacastLowerSince = Long.MIN_VALUE;
      LivekitRtc.SubscribedCodec.Builder codec = LivekitRtc.SubscribedCodec.newBuilder()
          .setCodec(t.codec.name().toLowerCase(Locale.ROOT));
      LivekitRtc.SubscribedQualityUpdate.Builder update = LivekitRtc.SubscribedQualityUpdate.newBuilder()
          .setTrackSid(t.sid());
      for (int layer = 0; layer <= 2; layer++) {
        LivekitRtc.SubscribedQuality q = LivekitRtc.SubscribedQuality.newBuilder()
            .setQuality(LivekitModels.VideoQuality.forNumber(layer)).setEnabled(layer <= demand).build();
        codec.addQualities(q);
        update.addSubscribedQualities(q);
      }
      self.signal().send(SignalResponse.newBuilder().setSubscribedQualityUpdate(update.addSubscribedCodecs(codec)).build());
      log.debug("{}: dynacast {} up to layer {}", self.model().identity(), t.sid(), demand);
    }
  }

  /**
   * An RR to the publisher with a report block per layer it sends (loss, jitter, LSR/DLSR for its
   * round-trip time); the loss also grades this participant's connection quality.
   */
  void sendReceiverReports(long now) {
    if (self.upstream() == null || byMid.isEmpty()) {
      return;
    }
    List<RtcpPacket.ReportBlock> blocks = new ArrayList<>();
    long expected = 0;
    long lost = 0;
    for (PublishedTrack t : byMid.values()) {
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
}
