package io.osprey.sdk.media;

/**
 * The unit of a stream's presentation timestamps: one tick lasts {@code numerator/denominator}
 * seconds (IVF's 1/30, Ogg Opus's 1/48000, an H.264 file read at 30000/1001 fps has 1001/30000).
 * Conversions work from the absolute timestamp, so rounding never accumulates into drift.
 */
public record Timebase(long numerator, long denominator) {
  public Timebase {
    if (numerator <= 0 || denominator <= 0 || numerator > Integer.MAX_VALUE || denominator > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("timebase must be positive 32-bit: " + numerator + "/" + denominator);
    }
  }

  /** The time of {@code pts} in nanoseconds from the stream's start (floor). */
  public long toNanos(long pts) {
    return scale(pts, numerator * 1_000_000_000L, false);
  }

  /** The RTP timestamp (before the random offset) of {@code pts} at {@code clockRate}, rounded to nearest. */
  public long toRtp(long pts, int clockRate) {
    return scale(pts, numerator * clockRate, true);
  }

  // pts * factor / denominator without overflowing for any realistic stream length.
  private long scale(long pts, long factor, boolean round) {
    long whole = Math.floorDiv(pts, denominator);
    long rest = Math.floorMod(pts, denominator);
    long fraction = Math.multiplyHigh(rest, factor) == 0 && rest * factor + denominator >= 0
        ? (rest * factor + (round ? denominator / 2 : 0)) / denominator
        : java.math.BigInteger.valueOf(rest).multiply(java.math.BigInteger.valueOf(factor))
            .divide(java.math.BigInteger.valueOf(denominator)).longValue();
    return Math.addExact(Math.multiplyExact(whole, factor), fraction);
  }
}
