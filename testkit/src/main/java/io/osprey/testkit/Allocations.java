package io.osprey.testkit;

import java.lang.management.ManagementFactory;

/**
 * What a piece of code allocates on the calling thread, from HotSpot's per-thread allocation
 * counter: the unit-test form of JMH's {@code -prof gc}, for "nothing per packet" claims. Warm the
 * code up first, so that what is measured is the compiled steady state.
 */
public final class Allocations {
  /** The code to measure. */
  @FunctionalInterface
  public interface Operation {
    void run() throws Exception;
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Allocations() {}

  /**
   * Runs {@code op} {@code warmup} times, then measures three rounds of {@code n} runs and returns
   * the bytes allocated by the leanest round: a one-off (a recompilation, a lazily built table in
   * the JDK) in one round is not steady state, an allocation per run shows in all three.
   */
  public static long bytesAllocated(int warmup, int n, Operation op) throws Exception {
    for (int i = 0; i < warmup; i++) {
      op.run();
    }
    long least = Long.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < n; i++) {
        op.run();
      }
      least = Math.min(least, THREADS.getCurrentThreadAllocatedBytes() - before);
    }
    return least;
  }
}
