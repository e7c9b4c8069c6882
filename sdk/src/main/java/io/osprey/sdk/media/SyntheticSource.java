package io.osprey.sdk.media;

import java.util.Locale;

/**
 * Media made up at a target bitrate, for load tests: VP8-shaped video frames (a key frame every
 * {@code keyFrameInterval} frames, which the SFU's key-frame detection recognises) or Opus-shaped
 * audio packets of 20 ms. Each sample carries its send time and its index (big-endian longs after
 * the first byte), written just before it is sent, so a receiver can measure latency and gaps
 * with {@link #sentNanos} and {@link #index}. Nothing here decodes; it only has to travel like media.
 */
public final class SyntheticSource implements SampleSource {
  /** Where the probe starts in each sample: after the VP8 frame tag or the Opus TOC byte. */
  private static final int PROBE = 1;
  private static final int MIN_SIZE = PROBE + 16;

  private final String mimeType;
  private final Timebase timebase;
  private final int size;
  private final int keyFrameInterval;
  private long index;

  private SyntheticSource(String mimeType, Timebase timebase, int size, int keyFrameInterval) {
    this.mimeType = mimeType;
    this.timebase = timebase;
    this.size = Math.max(MIN_SIZE, size);
    this.keyFrameInterval = keyFrameInterval;
  }

  /** VP8-shaped video at {@code bitsPerSecond} and {@code fps}, a key frame every {@code keyFrameInterval} frames. */
  public static SyntheticSource video(long bitsPerSecond, int fps, int keyFrameInterval) {
    return new SyntheticSource("video/VP8", new Timebase(1, fps), (int) (bitsPerSecond / 8 / fps), keyFrameInterval);
  }

  /** Opus-shaped audio at {@code bitsPerSecond}, 20 ms per packet. */
  public static SyntheticSource audio(long bitsPerSecond) {
    return new SyntheticSource("audio/opus", new Timebase(1, 50), (int) (bitsPerSecond / 8 / 50), 1);
  }

  @Override
  public String mimeType() {
    return mimeType;
  }

  @Override
  public Timebase timebase() {
    return timebase;
  }

  /** Never ends. */
  @Override
  public MediaSample next() {
    long i = index++;
    boolean key = i % keyFrameInterval == 0;
    byte[] data = new byte[size];
    if (mimeType.toLowerCase(Locale.ROOT).startsWith("video/")) {
      data[0] = (byte) (key ? 0x10 : 0x11); // VP8 frame tag: bit 0 clear on key frames (RFC 6386 §9.1)
    } else {
      data[0] = (byte) 0x78; // Opus TOC: SILK wideband, 20 ms, one frame
    }
    writeLong(data, PROBE + 8, i);
    return new MediaSample(data, i, key);
  }

  @Override
  public void beforeSend(MediaSample sample, long nanoTime) {
    writeLong(sample.data(), PROBE, nanoTime);
  }

  /** The send time a received synthetic sample carries, or -1 if it is too short to be one. */
  public static long sentNanos(byte[] sample) {
    return sample.length >= MIN_SIZE ? readLong(sample, PROBE) : -1;
  }

  /**
   * The send time of a synthetic sample starting at {@code off} in {@code buffer}, of which
   * {@code len} bytes are there (a received frame's first packet is enough), or -1 if too few.
   */
  public static long sentNanos(byte[] buffer, int off, int len) {
    return len >= PROBE + 8 ? readLong(buffer, off + PROBE) : -1;
  }

  /** The index a received synthetic sample carries, or -1. */
  public static long index(byte[] sample) {
    return sample.length >= MIN_SIZE ? readLong(sample, PROBE + 8) : -1;
  }

  private static void writeLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  private static long readLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }
}
