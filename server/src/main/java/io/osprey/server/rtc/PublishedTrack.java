package io.osprey.server.rtc;

import io.osprey.protocol.livekit.LivekitModels.TrackInfo;
import io.osprey.transport.session.RtpCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A track a participant publishes, as the SFU routes it: the publisher's section and codec, the
 * SSRCs bound to it (one per simulcast layer, by rid), the layer forwarded, and its down tracks.
 * Confined to the media loop.
 *
 * <p>Simulcast: every layer arrives; one is forwarded. Until layer switching with sequence and
 * timestamp rewriting is in place, the highest layer seen is chosen once and kept, so every
 * subscriber's sequence stays that layer's own, gap-free.
 */
final class PublishedTrack {
  private static final List<String> LAYER_ORDER = List.of("q", "h", "f");

  final RtcParticipant owner;
  final String mid;
  final RtpCodec codec;
  TrackInfo info;
  final List<DownTrack> downTracks = new ArrayList<>();
  /** rid ("" without simulcast) of each SSRC bound to this track. */
  final Map<Long, String> layers = new HashMap<>();
  long forwardedSsrc = -1;
  long lastKeyFrameRequestNanos = Long.MIN_VALUE / 2;
  long receivedPackets;

  PublishedTrack(RtcParticipant owner, String mid, RtpCodec codec, TrackInfo info) {
    this.owner = owner;
    this.mid = mid;
    this.codec = codec;
    this.info = info;
  }

  String sid() {
    return info.getSid();
  }

  String kind() {
    return info.getType() == io.osprey.protocol.livekit.LivekitModels.TrackType.AUDIO ? "audio" : "video";
  }

  /** Binds an SSRC to this track as layer {@code rid}; returns whether it is the forwarded one. */
  void bind(long ssrc, String rid) {
    layers.put(ssrc, rid);
    if (forwardedSsrc < 0 || rank(rid) > rank(layers.getOrDefault(forwardedSsrc, ""))) {
      // the better layer is taken only before anything was forwarded (see the class comment)
      if (forwardedSsrc < 0 || receivedPackets == 0) {
        forwardedSsrc = ssrc;
      }
    }
  }

  private static int rank(String rid) {
    int i = LAYER_ORDER.indexOf(rid);
    return i < 0 ? 0 : i;
  }

  /** Whether a key frame request may go out now (at most one per {@code throttleNanos}). */
  boolean mayRequestKeyFrame(long nowNanos, long throttleNanos) {
    if (nowNanos - lastKeyFrameRequestNanos < throttleNanos) {
      return false;
    }
    lastKeyFrameRequestNanos = nowNanos;
    return true;
  }
}
