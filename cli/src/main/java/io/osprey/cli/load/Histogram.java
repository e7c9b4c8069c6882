package io.osprey.cli.load;

import java.util.concurrent.atomic.AtomicLongArray;

/** Latencies in microseconds, 100 µs buckets up to 10 s; lock-free, so every loop adds to one. */
public final class Histogram {
  private static final int BUCKET_US = 100;
  private final AtomicLongArray counts = new AtomicLongArray(100_001);

  public void clear() {
    for (int i = 0; i < counts.length(); i++) {
      counts.set(i, 0);
    }
  }

  public void add(long micros) {
    counts.incrementAndGet((int) Math.min(counts.length() - 1, Math.max(0, micros) / BUCKET_US));
  }

  /** The value at quantile {@code q} in microseconds (bucket midpoint), or NaN when empty. */
  public double percentile(double q) {
    long total = 0;
    for (int i = 0; i < counts.length(); i++) {
      total += counts.get(i);
    }
    if (total == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length(); i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return i * BUCKET_US + BUCKET_US / 2.0;
      }
    }
    return Double.NaN;
  }
}
