package io.osprey.server.rtc;

import io.osprey.protocol.livekit.LivekitModels.TrackInfo;
import io.osprey.protocol.livekit.LivekitModels.TrackType;
import io.osprey.sfu.buffer.PacketCache;
import io.osprey.sfu.codec.VideoCodec;
import io.osprey.sfu.nack.NackGenerator;
import io.osprey.transport.session.RtpCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A track a participant publishes, as the SFU routes it: the publisher's section and codec, the
 * SSRC of each simulcast layer (bound by rid), per layer a cache of recent packets (answering
 * subscribers' NACKs) and a NACK generator (repairing loss from the publisher), and its down
 * tracks. A scalable VP9 track (SVC: one stream, no rids, several layers announced) has one
 * stream, layer 0 of those arrays, and its spatial layers take the place of simulcast layers for
 * rates, availability and subscribers' choices. Confined to the media loop.
 */
final class PublishedTrack {
  /** livekit-client's rids, lowest to highest. */
  private static final List<String> LIVEKIT_RIDS = List.of("q", "h", "f");
  static final int MAX_LAYERS = 3;

  final RtcParticipant owner;
  final String mid;
  final RtpCodec codec;
  final VideoCodec videoCodec;
  final boolean audio;
  final List<String> offeredRids;
  /** VP9 SVC: spatial layers in one stream instead of simulcast streams. */
  final boolean scalable;
  TrackInfo info;
  final List<DownTrack> downTracks = new ArrayList<>();
  final Map<Long, Integer> layerBySsrc = new HashMap<>();
  final long[] ssrcByLayer = new long[MAX_LAYERS];
  final PacketCache[] caches = new PacketCache[MAX_LAYERS];
  final NackGenerator[] nacks = new NackGenerator[MAX_LAYERS];
  /** RFC 3550 receive statistics per layer: receiver reports to the publisher, connection quality. */
  final io.osprey.transport.rtpsession.ReceiveStatistics[] stats =
      new io.osprey.transport.rtpsession.ReceiveStatistics[MAX_LAYERS];
  private final long[] lastKeyFrameRequest = new long[MAX_LAYERS];
  private final long[] lastPacketAt = new long[MAX_LAYERS];
  /** The publisher's last sender report per layer: NTP time and the RTP timestamp of that instant. */
  final long[] srNtp = new long[MAX_LAYERS];
  final long[] srRtp = new long[MAX_LAYERS];
  final boolean[] hasSr = new boolean[MAX_LAYERS];
  private final int cacheSize;
  long receivedPackets;
  /** Dynacast: the highest layer the publisher was last asked for (-1: none); it starts sending all. */
  int dynacastSent;
  /** Dynacast: since when a lower demand than {@link #dynacastSent} has held. */
  long dynacastLowerSince = Long.MIN_VALUE;

  PublishedTrack(RtcParticipant owner, String mid, RtpCodec codec, TrackInfo info, List<String> offeredRids,
                 int cacheSize) {
    this.owner = owner;
    this.mid = mid;
    this.codec = codec;
    this.info = info;
    this.audio = info.getType() == TrackType.AUDIO;
    this.videoCodec = audio ? VideoCodec.OTHER : VideoCodec.of(codec.name());
    this.offeredRids = List.copyOf(offeredRids);
    this.scalable = videoCodec == VideoCodec.VP9 && offeredRids.size() <= 1 && info.getLayersCount() > 1;
    this.cacheSize = cacheSize;
    this.dynacastSent = topLayer();
    Arrays.fill(ssrcByLayer, -1);
    Arrays.fill(lastKeyFrameRequest, Long.MIN_VALUE / 2);
    Arrays.fill(lastPacketAt, Long.MIN_VALUE / 2);
  }

  String sid() {
    return info.getSid();
  }

  String kind() {
    return audio ? "audio" : "video";
  }

  boolean simulcast() {
    return offeredRids.size() > 1;
  }

  /** The highest layer this track can have (0 without simulcast; for SVC its top spatial layer). */
  int topLayer() {
    int layers = scalable ? info.getLayersCount() : offeredRids.size();
    return Math.max(0, Math.min(MAX_LAYERS, layers) - 1);
  }

  /** Binds an SSRC as the layer of {@code rid} ("" without simulcast); returns the layer. */
  int bind(long ssrc, String rid) {
    int layer = LIVEKIT_RIDS.indexOf(rid);
    if (layer < 0) {
      layer = Math.max(0, offeredRids.indexOf(rid));
    }
    layer = Math.min(layer, MAX_LAYERS - 1);
    layerBySsrc.put(ssrc, layer);
    ssrcByLayer[layer] = ssrc;
    if (caches[layer] == null) {
      caches[layer] = new PacketCache(cacheSize, 1500);
      nacks[layer] = audio ? null : new NackGenerator(NackGenerator.Config.defaults());
      stats[layer] = new io.osprey.transport.rtpsession.ReceiveStatistics(codec.clockRate());
    }
    return layer;
  }

  /** The highest layer any subscriber wants, or -1 when nobody watches. */
  int demand() {
    int max = -1;
    for (DownTrack d : downTracks) {
      max = Math.max(max, Math.min(d.wanted(), topLayer()));
    }
    return max;
  }

  private final long[] windowBytes = new long[MAX_LAYERS];
  private final long[] rateBps = new long[MAX_LAYERS];
  private long windowStart = Long.MIN_VALUE;

  /** Notes that {@code layer} is flowing: {@code bytes} more of it arrived. */
  void received(int layer, int bytes, long nowNanos) {
    lastPacketAt[layer] = nowNanos;
    if (windowStart == Long.MIN_VALUE) {
      windowStart = nowNanos;
    }
    long elapsed = nowNanos - windowStart;
    if (elapsed >= 1_000_000_000L) { // a new one-second window: the last one's rates stand
      for (int l = 0; l < MAX_LAYERS; l++) {
        rateBps[l] = windowBytes[l] * 8 * 1_000_000_000L / elapsed;
        windowBytes[l] = 0;
      }
      windowStart = nowNanos;
    }
    windowBytes[layer] += bytes;
  }

  /** The bitrate of {@code layer} over the last full second, 0 when it is not being sent. */
  long rateBps(int layer, long nowNanos) {
    return nowNanos - lastPacketAt[layer] < 1_000_000_000L ? rateBps[layer] : 0;
  }

  /**
   * What a subscriber receiving {@code layer} costs: the layer's rate, and for SVC the layers
   * below it too (they are all sent); 0 when the layer is not being sent.
   */
  long forwardedRateBps(int layer, long nowNanos) {
    long rate = rateBps(layer, nowNanos);
    if (!scalable || rate == 0) {
      return rate;
    }
    for (int below = 0; below < layer; below++) {
      rate += rateBps(below, nowNanos);
    }
    return rate;
  }

  /**
   * The layer to aim for when {@code wanted} is asked: the highest layer at or below it that the
   * publisher is sending (packets within the last second), else the lowest one it sends.
   */
  int available(int wanted, long nowNanos) {
    if (wanted < 0) {
      return wanted;
    }
    int lowestSending = -1;
    for (int layer = MAX_LAYERS - 1; layer >= 0; layer--) {
      boolean sending = nowNanos - lastPacketAt[layer] < 1_000_000_000L;
      if (sending && layer <= wanted) {
        return layer;
      }
      if (sending) {
        lowestSending = layer;
      }
    }
    return lowestSending < 0 ? wanted : lowestSending;
  }

  /** Whether a key frame request for {@code layer} may go out now (throttled per layer). */
  boolean mayRequestKeyFrame(int layer, long nowNanos, long throttleNanos) {
    if (nowNanos - lastKeyFrameRequest[layer] < throttleNanos) {
      return false;
    }
    lastKeyFrameRequest[layer] = nowNanos;
    return true;
  }
}
