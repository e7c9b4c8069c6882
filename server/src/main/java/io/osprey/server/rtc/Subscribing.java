package io.osprey.server.rtc;

import io.osprey.protocol.livekit.LivekitRtc;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.server.room.Participant;
import io.osprey.sfu.bwe.Prober;
import io.osprey.transport.session.PeerSession;
import io.osprey.transport.session.RemoteSection;
import io.osprey.transport.session.RtpExtensions;
import io.osprey.transport.session.SendSection;
import io.osprey.wire.WireFormatException;
import io.osprey.wire.rtcp.RtcpPacket;
import io.osprey.wire.rtp.RtpPacket;
import io.osprey.wire.rtp.Rtx;
import io.osprey.wire.sdp.SdpFormatException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one participant receives: its subscriptions as down tracks, how they get onto its
 * connection (v0: our offers on the subscriber connection; v1: the receive sections of the
 * client's own offers, asked for with {@code media_sections_requirement}), the forwarding of each
 * packet, and the subscriber's feedback (PLI/FIR to the publisher, NACKs answered from the cache,
 * sender reports for lip sync). Confined to the media loop.
 */
final class Subscribing {
  private static final Logger log = LoggerFactory.getLogger(Subscribing.class);
  private static final long RETRANSMIT_INTERVAL_NANOS = 50_000_000L;
  private static final long ALLOCATION_INTERVAL_NANOS = 500_000_000L;

  private final RtcParticipant self;
  private final SecureRandom random = new SecureRandom();
  private final RtpPacket rtp = new RtpPacket();
  private final byte[] scratch = new byte[1500 + 64];
  private final Map<String, DownTrack> byTrack = new LinkedHashMap<>();
  private final Map<Long, DownTrack> bySsrc = new HashMap<>();
  private final Map<String, DownTrack> byMid = new HashMap<>();
  /** v1: subscriptions waiting for a receive section of the client's next offer. */
  private final List<PublishedTrack> pending = new ArrayList<>();
  private boolean awaitingOffer;
  /** v0: the sections of our offers, in m-line order. */
  private final List<SendSection> sections = new ArrayList<>();
  private int nextMid;
  private int offerId;
  private boolean offerInFlight;
  private boolean renegotiate;
  // downstream congestion control: our transport-wide sequence numbers, the estimate, the allocation
  private final io.osprey.transport.rtpsession.TwccSendHistory sent =
      new io.osprey.transport.rtpsession.TwccSendHistory(8192);
  private final io.osprey.sfu.bwe.SendSideEstimator estimator =
      new io.osprey.sfu.bwe.SendSideEstimator(io.osprey.sfu.bwe.SendSideEstimator.Config.defaults());
  private static final double UPGRADE_HEADROOM = 1.1;
  private final io.osprey.sfu.alloc.StreamAllocator allocator = new io.osprey.sfu.alloc.StreamAllocator(UPGRADE_HEADROOM);
  private final Prober prober = new Prober(Prober.Config.defaults());
  /** What the last allocation wanted (every track at the layer its subscriber wants), when it got less; else 0. */
  private long shortOfBps;
  private boolean feedbackSeen;
  private long lastAllocationNanos;

  Subscribing(RtcParticipant self) {
    this.self = self;
  }

  /** v0: the data channel section first, so later track sections append after it. */
  void addDataSection() {
    sections.add(SendSection.data(Integer.toString(nextMid++)));
  }

  /** Subscribes to what the others already publish (auto subscribe at join). */
  void subscribeToOthers() {
    for (Participant p : self.room().participants()) {
      if (p.session() instanceof RtcParticipant other && other != self) {
        other.publishing().tracks().forEach(this::subscribe);
      }
    }
  }

  void subscribe(PublishedTrack track) {
    if (byTrack.containsKey(track.sid()) || pending.contains(track)) {
      return;
    }
    if (self.options().singlePeerConnection()) {
      pending.add(track); // a receive section of the client's next offer takes it
      return;
    }
    if (self.downstream() == null) {
      return;
    }
    long ssrc = (random.nextInt() & 0x7fffffffL) | 1;
    SendSection.Repair repair = track.audio ? null : new SendSection.Repair(repairPayloadType(track.codec.payloadType()),
        (random.nextInt() & 0x7fffffffL) | 1);
    SendSection section = new SendSection(Integer.toString(nextMid++), track.kind(), track.codec, ssrc,
        track.owner.model().sid() + "|" + track.sid(), track.sid(), true, repair);
    sections.add(section);
    add(new DownTrack(track, self, section));
  }

  /** A payload type for RTX in a section whose only codec is {@code codecPayloadType}: the first free dynamic one. */
  static int repairPayloadType(int codecPayloadType) {
    return codecPayloadType == 96 ? 97 : 96;
  }

  private void add(DownTrack d) {
    byTrack.put(d.track.sid(), d);
    bySsrc.put(d.section.ssrc(), d);
    d.track.downTracks.add(d);
  }

  void unsubscribe(String trackSid) {
    pending.removeIf(t -> t.sid().equals(trackSid));
    DownTrack d = byTrack.remove(trackSid);
    if (d == null) {
      return;
    }
    byMid.remove(d.section.mid());
    d.track.downTracks.remove(d);
    bySsrc.remove(d.section.ssrc());
    int i = sections.indexOf(d.section);
    d.section = d.section.deactivate();
    if (i >= 0) {
      sections.set(i, d.section);
    }
  }

  /** Ends every subscription (the participant leaves). */
  void unsubscribeAll() {
    for (DownTrack d : byTrack.values()) {
      d.track.downTracks.remove(d);
    }
    byTrack.clear();
    bySsrc.clear();
    byMid.clear();
    pending.clear();
  }

  void onSubscription(LivekitRtc.UpdateSubscription req) {
    List<String> sids = new ArrayList<>(req.getTrackSidsList());
    req.getParticipantTracksList().forEach(pt -> sids.addAll(pt.getTrackSidsList()));
    update(Set.copyOf(sids), req.getSubscribe());
  }

  /** Subscribes to or unsubscribes from tracks (signal request or RoomService). */
  void update(Set<String> trackSids, boolean subscribe) {
    if (self.downstream() == null && !self.options().singlePeerConnection()) {
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
    for (Participant p : self.room().participants()) {
      if (p.session() instanceof RtcParticipant other && other != self) {
        PublishedTrack t = other.publishing().track(trackSid);
        if (t != null) {
          return t;
        }
      }
    }
    return null;
  }

  void onTrackSetting(LivekitRtc.UpdateTrackSettings req, long now) {
    for (String sid : req.getTrackSidsList()) {
      DownTrack d = byTrack.get(sid);
      if (d != null) {
        d.settings(req.getDisabled(), req.getWidth(), req.getHeight(), req.getQuality());
        if (d.forwarder.keyFrameWanted()) {
          d.track.owner.publishing().requestKeyFrame(d.track, d.forwarder.targetLayer(), now);
        }
      }
    }
  }

  /**
   * Brings the client up to date with our subscriptions: v0 offers the subscriber connection's
   * current sections (unless an offer awaits its answer); v1 asks the client to offer.
   */
  void negotiate() {
    if (self.options().singlePeerConnection()) {
      requestOffer(true);
      return;
    }
    PeerSession subscriber = self.downstream();
    if (subscriber == null || self.closed()) {
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
    for (DownTrack d : byTrack.values()) {
      if (d.offeredIn == 0) {
        d.offeredIn = offerId;
      }
    }
    self.signal().send(SignalResponse.newBuilder().setOffer(offer).build());
  }

  /**
   * A resume: what was offered or asked for while the signal connection was down may never have
   * arrived. v0 offers the subscriber connection again with new ICE credentials (an ICE restart);
   * v1 waits for the client's ICE-restart offer, whose answer asks for any sections still missing.
   */
  void restartIce() {
    awaitingOffer = false;
    if (self.options().singlePeerConnection()) {
      return;
    }
    PeerSession subscriber = self.downstream();
    if (subscriber != null) {
      offerInFlight = false;
      subscriber.restartIce();
      negotiate();
    }
  }

  /** v0: the client's answer to our offer; the tracks it carried start flowing with a key frame. */
  void onAnswer(LivekitRtc.SessionDescription answer, long now) {
    PeerSession subscriber = self.downstream();
    if (self.options().singlePeerConnection() || subscriber == null || !offerInFlight) {
      log.info("{}: unexpected subscriber answer", self.model().identity());
      return;
    }
    try {
      subscriber.handleAnswer(answer.getSdp(), now);
    } catch (SdpFormatException e) {
      log.info("{}: bad subscriber answer: {}", self.model().identity(), e.getMessage());
      return;
    }
    offerInFlight = false;
    self.node().flush(subscriber);
    for (DownTrack d : byTrack.values()) {
      if (!d.negotiated && d.offeredIn != 0 && d.offeredIn <= offerId) { // not those added since this offer
        d.negotiated = true;
        d.track.owner.publishing().requestKeyFrame(d.track, d.forwarder.targetLayer(), now);
      }
    }
    if (renegotiate) {
      negotiate();
    }
  }

  /**
   * v1: fills a receive section the client offered with a track waiting for one, choosing the
   * client's payload type for the track's codec. Called while the offer is answered.
   */
  SendSection plan(RemoteSection offered) {
    DownTrack existing = byMid.get(offered.mid());
    if (existing != null) {
      return existing.section;
    }
    for (Iterator<PublishedTrack> it = pending.iterator(); it.hasNext(); ) {
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
      int repairType = t.audio ? -1 : offered.repairPayloadTypeFor(codec.get().payloadType());
      SendSection.Repair repair = repairType < 0 ? null
          : new SendSection.Repair(repairType, (random.nextInt() & 0x7fffffffL) | 1);
      SendSection section = new SendSection(offered.mid(), t.kind(), codec.get(), ssrc,
          t.owner.model().sid() + "|" + t.sid(), t.sid(), true, repair);
      DownTrack d = new DownTrack(t, self, section);
      byMid.put(offered.mid(), d);
      add(d);
      return section;
    }
    return null;
  }

  /** v1: the mids our answer fills, for the answer's {@code mid_to_track_id}. */
  void putMidToTrackIds(LivekitRtc.SessionDescription.Builder answer) {
    byMid.forEach((mid, d) -> answer.putMidToTrackId(mid, d.track.sid()));
  }

  /** v1: an answer went out; the sections it filled start flowing with a key frame. */
  void answered(long now) {
    awaitingOffer = false;
    for (DownTrack d : byMid.values()) {
      if (d.offeredIn == 0) { // filled by this answer
        d.offeredIn = -1;
        d.negotiated = true;
        d.track.owner.publishing().requestKeyFrame(d.track, d.forwarder.targetLayer(), now);
      }
    }
  }

  /**
   * v1: asks the client for a new offer ({@code media_sections_requirement}) with as many more
   * receive sections as the waiting subscriptions need beyond the free ones; {@code force} asks
   * even when nothing waits (a section was freed).
   */
  void requestOffer(boolean force) {
    PeerSession session = self.downstream();
    if (session == null || awaitingOffer || self.closed() || (pending.isEmpty() && !force)) {
      return;
    }
    int audio = 0;
    int video = 0;
    for (PublishedTrack t : pending) {
      if (t.audio) {
        audio++;
      } else {
        video++;
      }
    }
    for (RemoteSection s : session.remoteSections().values()) {
      if (s.peerReceives() && !byMid.containsKey(s.mid())) {
        if (s.kind().equals("audio")) {
          audio--;
        } else if (s.kind().equals("video")) {
          video--;
        }
      }
    }
    awaitingOffer = true;
    self.signal().send(SignalResponse.newBuilder().setMediaSectionsRequirement(
        LivekitRtc.MediaSectionsRequirement.newBuilder().setNumAudios(Math.max(0, audio))
            .setNumVideos(Math.max(0, video))).build());
  }

  /**
   * Sends one packet of a track this participant subscribes to (on the media loop).
   *
   * @param twccAt where the publisher's transport-wide sequence number lies in {@code packet}, or -1
   */
  void forward(DownTrack d, byte[] packet, int headerLength, int seq, long ts, int layer, boolean keyFrame,
               int twccAt, long now) {
    PeerSession downstream = self.downstream();
    if (downstream == null) {
      return;
    }
    d.retarget(now);
    int before = d.forwarder.currentLayer();
    int beforeSpatial = d.forwarder.currentSpatialLayer();
    int n = d.forwarder.forward(packet, 0, packet.length, headerLength, seq, ts, layer, keyFrame, scratch, 0, now);
    if (d.forwarder.currentLayer() != before || d.forwarder.currentSpatialLayer() != beforeSpatial) {
      log.debug("{}: {} now forwards layer {} (target {}), spatial {} (target {})", self.model().identity(),
          d.track.sid(), d.forwarder.currentLayer(), d.forwarder.targetLayer(), d.forwarder.currentSpatialLayer(),
          d.forwarder.targetSpatialLayer());
    }
    if (d.forwarder.keyFrameWanted()) {
      d.track.owner.publishing().requestKeyFrame(d.track, d.forwarder.targetLayer(), now);
    }
    if (n > 0 && n + 64 <= scratch.length) {
      carryDependencyDescriptor(d, downstream, n);
      stampTransportSequence(downstream, n, twccAt, now); // the forwarded copy keeps the packet's layout
      if (downstream.sendRtp(scratch, 0, n) && downstream.hasOutput()) { // media itself went to the socket
        self.node().flush(downstream);
      }
    }
  }

  /**
   * Where the 2-byte transport-wide sequence number (extension {@code id}) lies in the packet
   * {@code view} is over, or -1 when it carries none.
   */
  static int transportCcValueAt(RtpPacket view, int id) {
    long at = id > 0 ? view.findExtension(id) : RtpPacket.NOT_FOUND;
    return at == RtpPacket.NOT_FOUND || (at & 0xffff) != 2 ? -1 : (int) (at >>> 16);
  }

  /**
   * Gives the packet in {@link #scratch} our transport-wide sequence number, so the subscriber's
   * feedback measures our path: the publisher's transport-cc element (its value at {@code valueAt})
   * is rewritten in place, its id too if the subscriber's differs and is free in this packet. A
   * packet without one goes unmeasured.
   */
  private void stampTransportSequence(PeerSession downstream, int n, int valueAt, long now) {
    int ours = downstream.sendTransportCcId();
    if (ours <= 0 || valueAt < 0) {
      return;
    }
    boolean oneByte = (scratch[12 + 4 * (scratch[0] & 0x0f)] & 0xff) == 0xbe;
    int theirs = oneByte ? (scratch[valueAt - 1] & 0xff) >> 4 : scratch[valueAt - 2] & 0xff;
    if (ours != theirs && !renumberExtension(n, theirs, ours)) { // rare: the peers numbered it differently
      return;
    }
    int cluster = prober.cluster(now);
    if (cluster != Prober.NONE) {
      prober.onSent(n);
    }
    int seq = sent.handleSent(now, n, cluster);
    scratch[valueAt] = (byte) (seq >>> 8);
    scratch[valueAt + 1] = (byte) seq;
  }

  /** AV1: the publisher's dependency descriptor goes along under the subscriber's id for it. */
  private void carryDependencyDescriptor(DownTrack d, PeerSession downstream, int n) {
    if (d.track.videoCodec != io.osprey.sfu.codec.VideoCodec.AV1) {
      return;
    }
    PeerSession publisher = d.track.owner.upstream();
    int from = publisher == null ? -1 : publisher.remoteExtensionId(RtpExtensions.DEPENDENCY_DESCRIPTOR);
    int to = downstream.sendExtensionId(RtpExtensions.DEPENDENCY_DESCRIPTOR);
    if (from > 0 && to > 0) {
      renumberExtension(n, from, to);
    }
  }

  /**
   * Gives header extension element {@code from} of the packet in {@link #scratch} the id
   * {@code to}, in place, where the subscriber numbered the extension differently from the
   * publisher; false when it cannot (absent, {@code to} already in the packet, or above the
   * one-byte form's 14).
   */
  private boolean renumberExtension(int n, int from, int to) {
    if (from == to) {
      return true;
    }
    try {
      rtp.wrap(scratch, 0, n);
    } catch (WireFormatException e) {
      return false;
    }
    long at = rtp.findExtension(from);
    if (at == RtpPacket.NOT_FOUND || rtp.findExtension(to) != RtpPacket.NOT_FOUND) {
      return false;
    }
    int valueAt = (int) (at >>> 16);
    if ((scratch[12 + 4 * (scratch[0] & 0x0f)] & 0xff) == 0xbe) {
      if (to > 14) {
        return false;
      }
      scratch[valueAt - 1] = (byte) ((to << 4) | (scratch[valueAt - 1] & 0x0f));
    } else {
      scratch[valueAt - 2] = (byte) to;
    }
    return true;
  }

  /** The subscriber's feedback on what we send: key frame requests and NACKs. */
  void onRtcp(List<RtcpPacket> packets, long now) {
    for (RtcpPacket p : packets) {
      switch (p) {
        case RtcpPacket.PictureLossIndication pli -> keyFrameRequested(bySsrc.get(pli.mediaSsrc()), now);
        case RtcpPacket.FullIntraRequest fir -> {
          for (long[] entry : fir.entries()) {
            keyFrameRequested(bySsrc.get(entry[0]), now);
          }
        }
        case RtcpPacket.GenericNack nack -> {
          DownTrack d = bySsrc.get(nack.mediaSsrc());
          if (d != null) {
            retransmit(d, nack.lost(), now);
          }
        }
        case io.osprey.wire.rtcp.TransportCc feedback -> onTransportFeedback(feedback, now);
        default -> { }
      }
    }
  }

  /** The subscriber's transport-wide feedback: each packet's arrival (or loss) goes to the estimator. */
  private void onTransportFeedback(io.osprey.wire.rtcp.TransportCc feedback, long now) {
    long[] relative = feedback.arrivalMicros();
    long[] arrivals = new long[relative.length];
    long reference = feedback.referenceTime() * 64_000L;
    for (int i = 0; i < relative.length; i++) {
      arrivals[i] = relative[i] < 0 ? -1 : (reference + relative[i]) * 1000;
    }
    sent.handleFeedback(feedback.baseSequence(), arrivals, arrivals.length, (sendNanos, arrivalNanos, lost, size, cluster) -> {
      estimator.handlePacketFeedback(sendNanos, arrivalNanos, lost, size, now);
      prober.onFeedback(cluster, sendNanos, arrivalNanos, lost, size);
    });
    estimator.handleFeedbackEnd(now);
    feedbackSeen = true;
    takeProbeResult(now);
  }

  private void takeProbeResult(long now) {
    long target = prober.targetBps();
    long probed = prober.pollResult(now);
    if (target > 0 && prober.targetBps() == 0) { // a cluster ended
      log.debug("{}: probe at {} kbit/s measured {} kbit/s, {} (estimate {} kbit/s)", self.model().identity(),
          target / 1000, probed / 1000, prober.verdict(), estimator.estimateBps() / 1000);
    }
    if (probed > 0) {
      estimator.handleProbeResult(probed, now);
      if (probed >= 0.9 * target) { // the room is there: held-off raises may go ahead
        byTrack.values().forEach(d -> d.probeSucceeded(now));
        lastAllocationNanos = now - ALLOCATION_INTERVAL_NANOS; // allocate at the next tick
      }
    }
  }

  /**
   * Every tick (20 ms): when the last allocation could not give every track the layer its
   * subscriber wants, probes the path up towards that ({@link Prober}), padding the cluster out
   * with padding-only RTX packets (RFC 4588 §4: the receiver drops them) on a video section whose
   * RTX the subscriber negotiated. Without one, or without transport-wide feedback, nothing is probed.
   */
  void probe(long now) {
    PeerSession downstream = self.downstream();
    if (downstream == null) {
      return;
    }
    takeProbeResult(now); // a cluster whose feedback never came ends here
    int twccId = downstream.sendTransportCcId();
    if (twccId <= 0 || twccId > 14) {
      return;
    }
    DownTrack carrier = null;
    SendSection.Repair repair = null;
    for (DownTrack d : byTrack.values()) {
      if (!d.track.audio && d.flowing() && (repair = downstream.repair(d.section.mid())) != null) {
        carrier = d;
        break;
      }
    }
    if (carrier == null) {
      return;
    }
    if (shortOfBps > 0) {
      prober.maybeStart(estimator.estimateBps(), shortOfBps, now);
    }
    long due = prober.paddingDue(now);
    if (due <= 0) {
      return;
    }
    for (; due > 0; due -= PADDING_PACKET) {
      writePadding(repair, carrier.nextRepairSequence(), twccId);
      stampTransportSequence(downstream, PADDING_PACKET, 17, now);
      downstream.sendRtp(scratch, 0, PADDING_PACKET);
    }
    self.node().flush(downstream);
  }

  /** A padding-only RTX packet: header, transport-cc element (value at 17), 255 bytes of padding. */
  private static final int PADDING_PACKET = 12 + 8 + 255;

  private void writePadding(SendSection.Repair repair, int seq, int twccId) {
    java.util.Arrays.fill(scratch, 0, PADDING_PACKET, (byte) 0);
    scratch[0] = (byte) 0xb0; // V=2, P=1, X=1
    scratch[1] = (byte) repair.payloadType();
    scratch[2] = (byte) (seq >>> 8);
    scratch[3] = (byte) seq;
    long ssrc = repair.ssrc();
    scratch[8] = (byte) (ssrc >>> 24);
    scratch[9] = (byte) (ssrc >>> 16);
    scratch[10] = (byte) (ssrc >>> 8);
    scratch[11] = (byte) ssrc;
    scratch[12] = (byte) 0xbe; // RFC 8285 one-byte form, one word of elements
    scratch[13] = (byte) 0xde;
    scratch[15] = 1;
    scratch[16] = (byte) (twccId << 4 | 1);
    scratch[PADDING_PACKET - 1] = (byte) 255;
  }

  /**
   * Twice a second, once the subscriber's feedback has given an estimate: shares it among the
   * video it receives (audio first), capping or pausing layers, and tells the subscriber about
   * tracks paused or resumed for lack of bandwidth ({@code stream_state_update}).
   */
  void allocate(long now) {
    if (!feedbackSeen || now - lastAllocationNanos < ALLOCATION_INTERVAL_NANOS) {
      return;
    }
    lastAllocationNanos = now;
    shortOfBps = 0;
    List<DownTrack> video = new ArrayList<>();
    long audioBps = 0;
    for (DownTrack d : byTrack.values()) {
      if (!d.flowing()) {
        continue;
      }
      if (d.track.audio) {
        audioBps += d.track.rateBps(0, now);
      } else {
        video.add(d);
      }
    }
    if (video.isEmpty()) {
      return;
    }
    long[][] layerBps = new long[video.size()][PublishedTrack.MAX_LAYERS];
    int[] maxLayer = new int[video.size()];
    int[] result = new int[video.size()];
    for (int i = 0; i < video.size(); i++) {
      DownTrack d = video.get(i);
      for (int l = 0; l < PublishedTrack.MAX_LAYERS; l++) {
        layerBps[i][l] = d.track.forwardedRateBps(l, now);
      }
      maxLayer[i] = d.wanted();
    }
    allocator.allocate(estimator.estimateBps(), audioBps, layerBps, maxLayer, result);
    long wantedBps = audioBps;
    boolean capped = false;
    for (int i = 0; i < video.size(); i++) {
      int top = Math.min(maxLayer[i], PublishedTrack.MAX_LAYERS - 1);
      while (top >= 0 && layerBps[i][top] == 0) {
        top--; // the highest layer wanted that the publisher sends
      }
      if (top >= 0) {
        wantedBps += layerBps[i][top];
        capped |= result[i] < top;
      }
    }
    shortOfBps = capped ? (long) (wantedBps * UPGRADE_HEADROOM) : 0;
    LivekitRtc.StreamStateUpdate.Builder states = LivekitRtc.StreamStateUpdate.newBuilder();
    for (int i = 0; i < video.size(); i++) {
      DownTrack d = video.get(i);
      boolean nothingMeasured = java.util.Arrays.stream(layerBps[i]).allMatch(b -> b == 0);
      int layer = nothingMeasured ? DownTrack.UNLIMITED : result[i];
      if (d.allocate(layer, now) && d.wanted() >= 0) {
        states.addStreamStates(LivekitRtc.StreamStateInfo.newBuilder().setParticipantSid(d.track.owner.model().sid())
            .setTrackSid(d.track.sid()).setState(d.pausedForBandwidth() ? LivekitRtc.StreamState.PAUSED
                : LivekitRtc.StreamState.ACTIVE));
      }
      d.retarget(now);
    }
    if (states.getStreamStatesCount() > 0) {
      self.signal().send(SignalResponse.newBuilder().setStreamStateUpdate(states).build());
    }
  }

  /** The current downstream bandwidth estimate (bits per second). */
  long estimateBps() {
    return estimator.estimateBps();
  }

  private void keyFrameRequested(DownTrack d, long now) {
    if (d != null) {
      int layer = d.forwarder.currentLayer() >= 0 ? d.forwarder.currentLayer() : d.forwarder.targetLayer();
      d.track.owner.publishing().requestKeyFrame(d.track, layer, now);
    }
  }

  /**
   * Resends what a subscriber NACKed, from the publisher's cache, as the subscriber first got it:
   * on the section's RTX stream when the subscriber negotiated one, else on the primary stream.
   */
  private void retransmit(DownTrack d, List<Integer> lost, long now) {
    PeerSession downstream = self.downstream();
    SendSection.Repair repair = downstream.repair(d.section.mid());
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
      PeerSession publisher = d.track.owner.upstream();
      int twccAt = publisher == null ? -1
          : transportCcValueAt(rtp, publisher.remoteExtensionId(RtpExtensions.TRANSPORT_CC));
      d.forwarder.rewriteRetransmission(scratch, 0, n, rtp.payloadOffset(), outSeq);
      carryDependencyDescriptor(d, downstream, n);
      if (repair != null) {
        n = Rtx.wrap(scratch, 0, n, rtp.headerLength(), repair.payloadType(), d.nextRepairSequence(), repair.ssrc());
      }
      stampTransportSequence(downstream, n, twccAt, now);
      if (downstream.sendRtp(scratch, 0, n)) {
        self.node().countRetransmission();
      }
    }
    self.node().flush(downstream);
  }

  /**
   * An SR per flowing down track, from its publisher's last SR for the layer being forwarded, its
   * RTP timestamp translated into the subscriber's stream: the browser aligns audio and video by it.
   */
  void sendSenderReports() {
    PeerSession downstream = self.downstream();
    if (downstream == null) {
      return;
    }
    for (DownTrack d : byTrack.values()) {
      int layer = d.forwarder.currentLayer();
      if (!d.flowing() || layer < 0 || !d.track.hasSr[layer]) {
        continue;
      }
      long rtpTs = d.forwarder.outTimestamp(layer, d.track.srRtp[layer]);
      if (rtpTs < 0) {
        continue;
      }
      downstream.sendRtcp(new RtcpPacket.SenderReport(d.section.ssrc(), d.track.srNtp[layer], rtpTs,
          d.forwarder.forwardedPackets() & 0xffffffffL, d.forwarder.forwardedBytes() & 0xffffffffL, List.of()));
    }
    self.node().flush(downstream);
  }
}
