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
  /** The next sequence number on the section's RTX stream (RFC 4588 §4: its own, starting anywhere). */
  private int repairSequence = java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16);
  private boolean disabled;
  private int wantedLayer;
  /** The stream allocator's cap (the subscriber's bandwidth), {@link #UNLIMITED}, or -1: paused for lack of it. */
  private int allocatedLayer = UNLIMITED;
  static final int UNLIMITED = Integer.MAX_VALUE;

  DownTrack(PublishedTrack track, RtcParticipant subscriber, SendSection section) {
    this.track = track;
    this.subscriber = subscriber;
    this.section = section;
    this.forwarder = new Forwarder(track.videoCodec, track.codec.clockRate(), section.ssrc(),
        section.codec().payloadType(), 1024);
    this.forwarder.setScalable(track.scalable);
    this.wantedLayer = track.topLayer();
    apply();
  }

  int nextRepairSequence() {
    int seq = repairSequence;
    repairSequence = (seq + 1) & 0xffff;
    return seq;
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

  private long upgradeBlockedUntil;
  private long holdOffNanos = MIN_HOLD_OFF_NANOS;
  private long upgradedAt;
  /** A raise not yet judged: a cut within {@link #RAISE_JUDGED_NANOS} of it means it failed. */
  private boolean raisePending;
  private static final long MIN_HOLD_OFF_NANOS = 5_000_000_000L;
  private static final long MAX_HOLD_OFF_NANOS = 60_000_000_000L;
  private static final long RAISE_JUDGED_NANOS = 10_000_000_000L;

  /**
   * Caps the layer to what the subscriber's bandwidth allows; returns whether pausing changed. A
   * cut holds off the next raise for the hold-off, 5 s at first; a raise that had to be cut again
   * within 10 s doubles it (up to a minute), one that held resets it, so an estimate that
   * overshoots does not flap the layer up and down.
   */
  boolean allocate(int layer, long nowNanos) {
    int current = allocatedLayer;
    if (raisePending && nowNanos - upgradedAt >= RAISE_JUDGED_NANOS) {
      raisePending = false; // the last raise held
      holdOffNanos = MIN_HOLD_OFF_NANOS;
    }
    if (layer > current && current != UNLIMITED && upgradeBlockedUntil - nowNanos > 0) {
      return false; // a raise must wait
    }
    if (layer < current && current != UNLIMITED) {
      if (raisePending) {
        holdOffNanos = Math.min(MAX_HOLD_OFF_NANOS, holdOffNanos * 2);
        raisePending = false;
      }
      long until = nowNanos + holdOffNanos;
      if (until - upgradeBlockedUntil > 0 || upgradeBlockedUntil - nowNanos <= 0) {
        upgradeBlockedUntil = until;
      }
    } else if (layer > current && current != UNLIMITED) {
      upgradedAt = nowNanos;
      raisePending = true;
    }
    boolean wasPaused = current < 0;
    allocatedLayer = layer;
    return wasPaused != (layer < 0);
  }

  /**
   * A probe showed the path carries what the allocation wanted: a raise held off after a failed
   * one may be tried now, on evidence instead of a timer.
   */
  void probeSucceeded(long nowNanos) {
    upgradeBlockedUntil = nowNanos;
  }

  /** The layer the allocator allows, {@link #UNLIMITED}, or -1 (paused for bandwidth). */
  int allocatedLayer() {
    return allocatedLayer;
  }

  /** Paused by the allocator (not by the subscriber). */
  boolean pausedForBandwidth() {
    return allocatedLayer < 0 && !disabled;
  }

  /** Aims at the wanted layer as far as the publisher sends it and the bandwidth allows (re-checked as packets arrive). */
  void retarget(long nowNanos) {
    int target = disabled || allocatedLayer < 0 ? SimulcastSelector.NONE
        : track.available(Math.min(wantedLayer, allocatedLayer), nowNanos);
    if (track.scalable) { // one stream; the layer is spatial
      forwarder.setTargetSpatialLayer(target);
      target = target == SimulcastSelector.NONE ? SimulcastSelector.NONE : 0;
    }
    if (target != forwarder.targetLayer()) {
      forwarder.setTargetLayer(target);
    }
  }

  private void apply() {
    retarget(System.nanoTime());
  }
}
