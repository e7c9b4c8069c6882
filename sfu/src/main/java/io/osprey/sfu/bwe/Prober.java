package io.osprey.sfu.bwe;

/**
 * Bandwidth probing for one subscriber: how a paused or capped subscription finds out that the
 * path has room again. An estimate from feedback on what we send can grow only so far past the
 * rate we send ({@link SendSideEstimator} holds it within 1.5 times the acknowledged rate), so a
 * subscriber cut down to a low layer would stay there. A probe cluster sends at a target rate for
 * a short time, media topped up with padding, and measures what arrives; libwebrtc's probe
 * controller and probe bitrate estimator, in a small form.
 *
 * <p>The caller tags every packet it sends while a cluster runs with {@link #cluster} (in its
 * transport-wide send history), sends {@link #paddingDue} bytes of padding on each tick, reports
 * every tagged packet's fate from the feedback, and reads {@link #pollResult}. A cluster's result
 * is the lower of its send and receive rates, taken down to 95 % of the receive rate when less than
 * 90 % of the send rate arrived (the path is full). A cluster that loses more than 5 % of its
 * packets, or whose feedback does not come back within a second, gives no result. Clusters last
 * 200 ms, longer than the bursts a policer lets through (a token bucket of 100 ms would pass a
 * 100 ms cluster whole and fool it).
 *
 * <p>Pacing between clusters: after a cluster that reached its target the next may follow after
 * {@link Config#successIntervalNanos}; after one that did not, the wait doubles from
 * {@link Config#failureIntervalNanos} up to {@link Config#maxIntervalNanos}, so a link that is
 * really full is not flooded.
 *
 * <p>Sans-IO, allocation-free, owned by one event loop.
 */
public final class Prober {
  /** No cluster: what {@link #cluster} returns between clusters. */
  public static final int NONE = -1;

  /**
   * @param durationNanos        how long a cluster sends
   * @param minPackets           fed-back packets a cluster needs for a result
   * @param successIntervalNanos wait after a cluster that reached its target
   * @param failureIntervalNanos first wait after one that did not (doubling)
   * @param maxIntervalNanos     the longest wait between clusters
   */
  public record Config(long durationNanos, int minPackets, long successIntervalNanos, long failureIntervalNanos,
                       long maxIntervalNanos) {
    public Config {
      if (durationNanos <= 0 || minPackets < 2 || successIntervalNanos < 0 || failureIntervalNanos <= 0
          || maxIntervalNanos < failureIntervalNanos) {
        throw new IllegalArgumentException("bad probe config: " + this);
      }
    }

    public static Config defaults() {
      return new Config(200_000_000L, 5, 1_000_000_000L, 2_000_000_000L, 10_000_000_000L);
    }
  }

  private static final long FEEDBACK_TIMEOUT_NANOS = 1_000_000_000L;

  private final Config config;
  private int nextId;
  private int id = NONE;
  private long targetBps;
  private long startNanos;
  private long sentBytes;
  private int sentPackets;
  private long notBeforeNanos;
  private boolean paced; // a cluster has ended, so notBeforeNanos holds
  private long failureWaitNanos;
  // feedback on the running cluster
  private int received;
  private int lost;
  private long firstSend = Long.MAX_VALUE;
  private long lastSend = Long.MIN_VALUE;
  private long firstArrival = Long.MAX_VALUE;
  private long lastArrival = Long.MIN_VALUE;
  private long receivedBytes;
  private int lastSendSize;
  private int lastArrivalSize;
  private long result = -1;
  private String verdict = "none yet";

  public Prober(Config config) {
    this.config = config;
    this.failureWaitNanos = config.failureIntervalNanos();
  }

  /**
   * Starts a cluster when the allocation wants more than the estimate and the last cluster is done
   * and waited for: at {@code wantedBps}, at most twice the estimate (a larger gap is climbed in
   * steps, one cluster from the result of the last).
   *
   * @return whether a cluster started
   */
  public boolean maybeStart(long estimateBps, long wantedBps, long nowNanos) {
    if (id != NONE || wantedBps <= estimateBps || (paced && nowNanos - notBeforeNanos < 0)) {
      return false;
    }
    id = nextId;
    nextId = (nextId + 1) & 0x7fff;
    targetBps = Math.min(wantedBps, 2 * Math.max(estimateBps, 1));
    startNanos = nowNanos;
    sentBytes = 0;
    sentPackets = 0;
    received = 0;
    lost = 0;
    firstSend = Long.MAX_VALUE;
    lastSend = Long.MIN_VALUE;
    firstArrival = Long.MAX_VALUE;
    lastArrival = Long.MIN_VALUE;
    receivedBytes = 0;
    return true;
  }

  /** The cluster a packet sent now belongs to, or {@link #NONE}: tag it, and {@link #onSent} it. */
  public int cluster(long nowNanos) {
    return id != NONE && nowNanos - startNanos < config.durationNanos() ? id : NONE;
  }

  /** A packet tagged with the running cluster went out. */
  public void onSent(int size) {
    sentBytes += size;
    sentPackets++;
  }

  /** Bytes of padding to send now so the cluster's rate so far, media included, meets its target; 0 when none runs. */
  public long paddingDue(long nowNanos) {
    if (cluster(nowNanos) == NONE) {
      return 0;
    }
    long due = (long) (targetBps * ((nowNanos - startNanos) / 8e9)) - sentBytes;
    return Math.max(0, due);
  }

  /** The fate of a packet tagged {@code cluster}, from transport-wide feedback (arrival in the receiver's clock). */
  public void onFeedback(int cluster, long sendNanos, long arrivalNanos, boolean lost, int size) {
    if (cluster != id || id == NONE) {
      return;
    }
    if (lost) {
      this.lost++;
      return;
    }
    received++;
    receivedBytes += size;
    if (sendNanos < firstSend) {
      firstSend = sendNanos;
    }
    if (sendNanos >= lastSend) {
      lastSend = sendNanos;
      lastSendSize = size;
    }
    if (arrivalNanos < firstArrival) {
      firstArrival = arrivalNanos;
    }
    if (arrivalNanos >= lastArrival) {
      lastArrival = arrivalNanos;
      lastArrivalSize = size;
    }
  }

  /**
   * Ends the cluster once its feedback is complete (or timed out) and gives its result once:
   * the rate the path carried in bits per second, or -1 (none yet, or the cluster failed).
   */
  public long pollResult(long nowNanos) {
    if (id == NONE || nowNanos - startNanos < config.durationNanos()) {
      return -1;
    }
    boolean complete = received + lost >= sentPackets;
    if (!complete && nowNanos - startNanos < config.durationNanos() + FEEDBACK_TIMEOUT_NANOS) {
      return -1;
    }
    result = measure();
    id = NONE;
    paced = true;
    boolean reached = result >= 0.9 * targetBps;
    if (reached) {
      failureWaitNanos = config.failureIntervalNanos();
      notBeforeNanos = nowNanos + config.successIntervalNanos();
    } else {
      notBeforeNanos = nowNanos + failureWaitNanos;
      failureWaitNanos = Math.min(config.maxIntervalNanos(), 2 * failureWaitNanos);
    }
    return result;
  }

  /** The target of the running cluster (bits per second), or 0. */
  public long targetBps() {
    return id == NONE ? 0 : targetBps;
  }

  /** Why the last cluster gave its result, for logs: a constant text. */
  public String verdict() {
    return verdict;
  }

  private long measure() {
    if (received < config.minPackets()) {
      verdict = "too few packets fed back";
      return -1;
    }
    if (lost * 20 > received + lost) {
      verdict = "over 5 % lost";
      return -1;
    }
    long sendSpan = lastSend - firstSend;
    long arrivalSpan = lastArrival - firstArrival;
    if (sendSpan <= 0 || arrivalSpan <= 0) {
      verdict = "sent or arrived all at once";
      return -1;
    }
    // a span of n packets carries the bytes of n - 1 of them: the last one's (send) or first one's (arrival) excluded
    double sendBps = (receivedBytes - lastSendSize) * 8e9 / sendSpan;
    double receiveBps = (receivedBytes - lastArrivalSize) * 8e9 / arrivalSpan;
    if (receiveBps > 2 * sendBps) {
      verdict = "arrivals bunched up by the path";
      return -1;
    }
    verdict = receiveBps < 0.9 * sendBps ? "the path is full" : "the path carried the rate sent";
    double carried = receiveBps < 0.9 * sendBps ? 0.95 * receiveBps : Math.min(sendBps, receiveBps);
    return (long) carried;
  }
}
