package io.osprey.testkit;

/**
 * How a simulated link treats datagrams. All randomness comes from the {@link NetSim}'s seed.
 *
 * @param loss              probability in [0, 1] that a datagram is dropped
 * @param delayNanos        fixed one-way delay
 * @param jitterNanos       extra delay, uniform in [0, jitterNanos]; with it datagrams may reorder
 * @param reorder           probability in [0, 1] that a datagram is held back by an extra
 *                          {@code 2 * delayNanos + 1 ms}, so later ones overtake it
 * @param duplicate         probability in [0, 1] that a datagram is delivered twice
 * @param rateBitsPerSecond bottleneck rate; 0 means unlimited. Datagrams queue behind the bottleneck
 * @param queueBytes        bottleneck queue bound in bytes (tail drop); ignored when the rate is unlimited
 */
public record LinkConditions(
    double loss,
    long delayNanos,
    long jitterNanos,
    double reorder,
    double duplicate,
    long rateBitsPerSecond,
    int queueBytes) {

  public LinkConditions {
    checkProbability("loss", loss);
    checkProbability("reorder", reorder);
    checkProbability("duplicate", duplicate);
    if (delayNanos < 0 || jitterNanos < 0 || rateBitsPerSecond < 0 || queueBytes < 0) {
      throw new IllegalArgumentException("delays, rate and queue must not be negative");
    }
  }

  /** A lossless link with 1 ms delay. */
  public static LinkConditions perfect() {
    return new LinkConditions(0, 1_000_000, 0, 0, 0, 0, 0);
  }

  public LinkConditions withLoss(double p) {
    return new LinkConditions(p, delayNanos, jitterNanos, reorder, duplicate, rateBitsPerSecond, queueBytes);
  }

  public LinkConditions withDelay(long delay, long jitter) {
    return new LinkConditions(loss, delay, jitter, reorder, duplicate, rateBitsPerSecond, queueBytes);
  }

  public LinkConditions withReorder(double p) {
    return new LinkConditions(loss, delayNanos, jitterNanos, p, duplicate, rateBitsPerSecond, queueBytes);
  }

  public LinkConditions withDuplicate(double p) {
    return new LinkConditions(loss, delayNanos, jitterNanos, reorder, p, rateBitsPerSecond, queueBytes);
  }

  public LinkConditions withRate(long bitsPerSecond, int queueLimitBytes) {
    return new LinkConditions(loss, delayNanos, jitterNanos, reorder, duplicate, bitsPerSecond, queueLimitBytes);
  }

  private static void checkProbability(String name, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1]: " + p);
    }
  }
}
