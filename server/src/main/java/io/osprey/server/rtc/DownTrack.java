package io.osprey.server.rtc;

import io.osprey.protocol.livekit.LivekitModels.VideoLayer;
import io.osprey.protocol.livekit.LivekitModels.VideoQuality;
import io.osprey.sfu.forward.Forwarder;
import io.osprey.sfu.layer.SimulcastSelector;
import io.osprey.transport.session.SendSection;

/**
 * One published track as one subscriber receives it: the section of the subscriber's connection
 * it rides on, the {@link Forwarder} that picks its layer and rewrites its packets, and what the
 * subscriber asked for (adaptive stream: disabled, or a size or quality). Confined to the media loop.
 */
final class DownTrack {
  final PublishedTrack track;
  final RtcParticipant subscriber;
  final Forwarder forwarder;
  SendSection section;
  /** The first subscriber offer that carried the section (0: not offered yet). */
  int offeredIn;
  /** True once the subscriber answered an offer carrying the section. */
  boolean negotiated;
  private boolean disabled;
  private int wantedLayer;

  DownTrack(PublishedTrack track, RtcParticipant subscriber, SendSection section) {
    this.track = track;
    this.subscriber = subscriber;
    this.section = section;
    this.forwarder = new Forwarder(track.videoCodec, track.codec.clockRate(), section.ssrc(),
        section.codec().payloadType(), 1024);
    this.wantedLayer = track.topLayer();
    apply();
  }

  boolean flowing() {
    return negotiated && section.active();
  }

  /** UpdateTrackSettings: pause, or the layer that fits a size (or a quality when no size is given). */
  void settings(boolean disabled, int width, int height, VideoQuality quality) {
    this.disabled = disabled;
    if (width > 0 || height > 0) {
      wantedLayer = layerForSize(width, height);
    } else if (quality != VideoQuality.OFF) {
      wantedLayer = Math.min(track.topLayer(), quality.getNumber());
    }
    apply();
  }

  /** The lowest layer at least as large as the size asked for; the top layer if none is. */
  private int layerForSize(int width, int height) {
    int best = track.topLayer();
    for (VideoLayer l : track.info.getLayersList()) {
      int index = Math.min(track.topLayer(), l.getQuality().getNumber());
      if (l.getWidth() >= width && l.getHeight() >= height && index < best) {
        best = index;
      }
    }
    return best;
  }

  /** The layer the subscriber wants (before what the publisher sends), or -1 when it paused the track. */
  int wanted() {
    return disabled ? -1 : wantedLayer;
  }

  /** Aims at the wanted layer as far as the publisher sends it (re-checked as packets arrive). */
  void retarget(long nowNanos) {
    int target = disabled ? SimulcastSelector.NONE : track.available(wantedLayer, nowNanos);
    if (target != forwarder.targetLayer()) {
      forwarder.setTargetLayer(target);
    }
  }

  private void apply() {
    retarget(System.nanoTime());
  }
}
