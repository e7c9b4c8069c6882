package io.osprey.sfu.forward;

import io.osprey.sfu.codec.Vp8Descriptor;
import io.osprey.sfu.codec.Vp9Descriptor;
import io.osprey.sfu.codec.VideoCodec;
import io.osprey.sfu.layer.LayerDecision;
import io.osprey.sfu.layer.SimulcastSelector;
import io.osprey.sfu.layer.SvcSelector;
import io.osprey.sfu.munge.RtpMunger;
import io.osprey.sfu.munge.Sequencer;
import io.osprey.sfu.munge.Vp8Munger;

/**
 * What one subscriber receives of one published track: which simulcast layer is forwarded
 * ({@link SimulcastSelector}, switching only at key frames), and each forwarded packet rewritten
 * into the subscriber's own stream: its SSRC and payload type, sequence numbers and timestamps
 * continuous across switches and pauses ({@link RtpMunger}), VP8 PictureID/TL0PICIDX continuous
 * ({@link Vp8Munger}), and a record of what each outgoing sequence number carried so NACKs can be
 * answered ({@link Sequencer}). A scalable VP9 stream (SVC, {@link #setScalable}) is one RTP stream
 * whose spatial layers are chosen per packet ({@link SvcSelector}): those above the current one
 * are dropped without a gap, and the last packet of the top layer forwarded carries the marker.
 * Works on byte arrays; allocates nothing per packet. Owned by one event loop.
 */
public final class Forwarder {
  /** {@link #forward} result for a packet not sent to this subscriber. */
  public static final int DROPPED = -1;

  private final VideoCodec codec;
  private final int clockRate;
  private final long ssrc;
  private final int payloadType;
  private final SimulcastSelector selector = new SimulcastSelector();
  private final RtpMunger munger = new RtpMunger();
  private final Vp8Munger vp8 = new Vp8Munger();
  private final Vp8Descriptor descriptor = new Vp8Descriptor();
  private final Sequencer sequencer;
  private final SvcSelector svc = new SvcSelector();
  private final Vp9Descriptor vp9 = new Vp9Descriptor();
  private boolean scalable;
  private long forwarded;
  private long forwardedBytes;

  /**
   * @param codec       the video codec ({@link VideoCodec#OTHER} for audio: every packet decodable)
   * @param ssrc        the subscriber-side SSRC
   * @param payloadType the subscriber-side payload type
   * @param history     outgoing packets remembered for NACKs
   */
  public Forwarder(VideoCodec codec, int clockRate, long ssrc, int payloadType, int history) {
    this.codec = codec;
    this.clockRate = clockRate;
    this.ssrc = ssrc;
    this.payloadType = payloadType;
    this.sequencer = new Sequencer(history);
    selector.setTarget(0);
  }

  /** The layer wanted (0 lowest .. 2 highest), or {@link SimulcastSelector#NONE} to pause. */
  public void setTargetLayer(int layer) {
    selector.setTarget(layer);
  }

  public int targetLayer() {
    return selector.target();
  }

  public int currentLayer() {
    return selector.current();
  }

  /** Whether a key frame of the target layer must be requested to reach it. */
  public boolean keyFrameWanted() {
    return selector.keyFrameWanted() || (scalable && svc.keyFrameWanted());
  }

  /** Marks the track as scalable VP9 (spatial layers in one stream); from the start, before any packet. */
  public void setScalable(boolean scalable) {
    this.scalable = scalable && codec == VideoCodec.VP9;
  }

  public boolean scalable() {
    return scalable;
  }

  /** The highest spatial layer wanted of a scalable stream, or {@link SvcSelector#NONE}. */
  public void setTargetSpatialLayer(int layer) {
    svc.setTarget(layer);
  }

  public int targetSpatialLayer() {
    return svc.target();
  }

  /** The highest spatial layer being forwarded of a scalable stream, or {@link SvcSelector#NONE}. */
  public int currentSpatialLayer() {
    return svc.current();
  }

  public long forwardedPackets() {
    return forwarded;
  }

  /** Payload octets forwarded (the SR's sender's octet count). */
  public long forwardedBytes() {
    return forwardedBytes;
  }

  /**
   * The subscriber-side timestamp of {@code inTs} of {@code layer}, to translate the publisher's
   * sender report; -1 unless {@code layer} is the one being forwarded.
   */
  public long outTimestamp(int layer, long inTs) {
    return layer == selector.current() && munger.started() ? munger.mapTimestamp(inTs) : -1;
  }

  /**
   * Decides on one packet and, when it is forwarded, writes the rewritten packet to {@code dst}.
   *
   * @param src        the packet as received (not modified)
   * @param headerLen  its RTP header length (fixed header, CSRCs, extensions)
   * @param seq        its sequence number; {@code ts} its timestamp
   * @param layer      its simulcast layer (0 without simulcast)
   * @param keyFrame   whether it starts a key frame (always true for audio)
   * @return the length written to {@code dst}, or {@link #DROPPED}
   */
  public int forward(byte[] src, int off, int len, int headerLen, int seq, long ts, int layer, boolean keyFrame,
                     byte[] dst, int dstOff, long nowNanos) {
    LayerDecision decision = selector.select(layer, keyFrame);
    if (decision == LayerDecision.DROP) {
      return DROPPED;
    }
    boolean endsTopLayer = false;
    if (scalable) {
      boolean parsed = vp9.wrap(src, off + headerLen, len - headerLen);
      if (!parsed || !svc.select(vp9.spatialId(), vp9.beginsPicture(), keyFrame)) {
        if (decision != LayerDecision.SWITCH) {
          munger.skip(seq);
        }
        return DROPPED;
      }
      endsTopLayer = vp9.endsLayerFrame() && vp9.spatialId() == svc.current();
    }
    if (decision == LayerDecision.SWITCH) {
      munger.switchSource(seq, ts, nowNanos, clockRate);
      if (codec == VideoCodec.VP8 && descriptor.wrap(src, off + headerLen, len - headerLen)) {
        vp8.switchSource(descriptor.pictureId(), descriptor.tl0PicIdx());
      }
    }
    long munged = munger.munge(seq, ts, nowNanos);
    if (munged == RtpMunger.DROP || len > dst.length - dstOff) {
      return DROPPED;
    }
    int outSeq = (int) (munged >>> 32);
    long outTs = munged & 0xffffffffL;
    System.arraycopy(src, off, dst, dstOff, len);
    rewrite(dst, dstOff, len, headerLen, outSeq, outTs);
    if (endsTopLayer) {
      dst[dstOff + 1] |= (byte) 0x80; // the picture ends here for this subscriber
    }
    sequencer.record(outSeq, seq, layer, outTs);
    forwarded++;
    forwardedBytes += len - headerLen;
    return len;
  }

  /** A packet of {@code layer} the subscriber must not see (padding only): no gap is left for it. */
  public void skip(int seq, int layer) {
    if (layer == selector.current()) {
      munger.skip(seq);
    }
  }

  /**
   * What outgoing {@code outSeq} carried, for answering a NACK: {@code layer << 16 | inSeq}, or
   * {@link Sequencer#NONE} when unknown, too old, or resent within {@code minIntervalNanos}.
   */
  public int lookupRetransmission(int outSeq, long nowNanos, long minIntervalNanos) {
    return sequencer.lookup(outSeq, nowNanos, minIntervalNanos);
  }

  /** Rewrites a cached packet (already copied to {@code dst}) to resend as {@code outSeq}. */
  public void rewriteRetransmission(byte[] dst, int dstOff, int len, int headerLen, int outSeq) {
    rewrite(dst, dstOff, len, headerLen, outSeq, sequencer.outTimestamp(outSeq));
  }

  private void rewrite(byte[] b, int off, int len, int headerLen, int outSeq, long outTs) {
    b[off + 1] = (byte) ((b[off + 1] & 0x80) | payloadType);
    b[off + 2] = (byte) (outSeq >>> 8);
    b[off + 3] = (byte) outSeq;
    b[off + 4] = (byte) (outTs >>> 24);
    b[off + 5] = (byte) (outTs >>> 16);
    b[off + 6] = (byte) (outTs >>> 8);
    b[off + 7] = (byte) outTs;
    b[off + 8] = (byte) (ssrc >>> 24);
    b[off + 9] = (byte) (ssrc >>> 16);
    b[off + 10] = (byte) (ssrc >>> 8);
    b[off + 11] = (byte) ssrc;
    if (codec == VideoCodec.VP8 && descriptor.wrap(b, off + headerLen, len - headerLen)) {
      if (descriptor.pictureId() >= 0) {
        descriptor.setPictureId(vp8.pictureId(descriptor.pictureId(), descriptor.fifteenBit()));
      }
      if (descriptor.tl0PicIdx() >= 0) {
        descriptor.setTl0PicIdx(vp8.tl0PicIdx(descriptor.tl0PicIdx()));
      }
    }
  }
}
