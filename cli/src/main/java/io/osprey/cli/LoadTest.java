package io.osprey.cli;

import io.netty.channel.EventLoopGroup;
import io.osprey.cli.load.LoadMeter;
import io.osprey.cli.load.LoadTarget;
import io.osprey.sdk.room.RtcLoops;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs a load: publishers and subscribers in one JVM, on a few shared event loops (no thread per
 * participant), joining at a fixed rate, against whatever {@link LoadTarget} speaks the server's
 * protocol. Publishers send synthetic media (a send-time probe in every frame) or looped files;
 * subscribers count packets, bytes, sequence gaps after the server's rewriting, and latency from
 * the probes ({@link LoadMeter}, the same for every target).
 */
final class LoadTest {
  /** What to run. */
  record Config(int videoPublishers, int audioPublishers, int subscribers, Duration duration, double joinsPerSecond,
                int loops) {}

  /** What was measured. */
  record Result(int joined, int participants, long tracksExpected, long tracksReceived, long packets, long bytes,
                long lost, double seconds, double latencyP50Ms, double latencyP99Ms, double firstPacketP50Ms,
                int failures, double cpuSeconds) {
    double lossPercent() {
      return packets + lost == 0 ? 0 : 100.0 * lost / (packets + lost);
    }

    double packetsPerSecond() {
      return seconds == 0 ? 0 : packets / seconds;
    }

    double megabitsPerSecond() {
      return seconds == 0 ? 0 : bytes * 8 / seconds / 1e6;
    }
  }

  private final Config config;
  private final Function<EventLoopGroup, LoadTarget> targets;
  private final LoadMeter meter = new LoadMeter();
  private final AtomicInteger joined = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();

  /** A load of {@code config} on the server {@code targets} makes a client for (given the loops to run on). */
  LoadTest(Config config, Function<EventLoopGroup, LoadTarget> targets) {
    this.config = config;
    this.targets = targets;
  }

  Result run(PrintWriter progress) throws InterruptedException {
    EventLoopGroup loops = RtcLoops.newGroup(config.loops());
    int publishers = config.videoPublishers() + config.audioPublishers();
    int total = publishers + config.subscribers();
    long expected = (long) config.subscribers() * publishers;
    long pause = (long) (1e9 / Math.max(0.1, config.joinsPerSecond()));
    long started = System.nanoTime();
    try (LoadTarget target = targets.apply(loops)) {
      for (int i = 0; i < total; i++) {
        boolean publisher = i < publishers;
        boolean video = i < config.videoPublishers();
        String identity = publisher ? (video ? "video-pub-" : "audio-pub-") + i : "sub-" + (i - publishers);
        CompletableFuture<Void> join = publisher ? target.joinPublisher(identity, video)
            : target.joinSubscriber(identity, meter.subscriber(System.nanoTime()));
        join.whenComplete((ok, e) -> {
          if (e == null) {
            joined.incrementAndGet();
          } else {
            failures.incrementAndGet();
            progress.printf("%s could not join: %s%n", identity, e.getCause() != null ? e.getCause().getMessage() : e);
          }
        });
        TimeUnit.NANOSECONDS.sleep(Math.max(0, started + pause * (i + 1) - System.nanoTime()));
        report(progress, started, total, expected);
      }
      // the measurement starts in the steady state: everyone in, every track flowing (or 30 s gone)
      long settleBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < settleBy && (joined.get() + failures.get() < total
          || meter.totals().tracksReceived() < expected
          || meter.subscribersReceiving() < Math.min(config.subscribers(), joined.get() - publishers))) {
        TimeUnit.MILLISECONDS.sleep(100);
        report(progress, started, total, expected);
      }
      TimeUnit.SECONDS.sleep(1); // the last subscriptions' first key frames
      meter.clearLatency();
      progress.printf("%nmeasuring for %d s%n", config.duration().toSeconds());
      progress.flush();
      long measureFrom = System.nanoTime();
      long cpuFrom = processCpuNanos();
      LoadMeter.Totals before = meter.totals();
      long end = measureFrom + config.duration().toNanos();
      while (System.nanoTime() < end) {
        TimeUnit.MILLISECONDS.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        report(progress, started, total, expected);
      }
      double seconds = (System.nanoTime() - measureFrom) / 1e9;
      double cpuSeconds = cpuFrom < 0 ? Double.NaN : (processCpuNanos() - cpuFrom) / 1e9;
      LoadMeter.Totals after = meter.totals();
      progress.printf("%nmeasured%n");
      progress.flush();
      return new Result(joined.get(), total, expected, after.tracksReceived(), after.packets() - before.packets(),
          after.bytes() - before.bytes(), after.lost() - before.lost(), seconds, meter.latencyMs(0.5),
          meter.latencyMs(0.99), meter.firstPacketP50Ms(), failures.get(), cpuSeconds);
    } finally {
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
  }

  /** This process's CPU time in nanoseconds (all threads, user and system), or -1 where the JVM cannot tell. */
  private static long processCpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
  }

  private void report(PrintWriter progress, long started, int total, long expected) {
    LoadMeter.Totals now = meter.totals();
    progress.printf(Locale.ROOT, "\r%5.1fs joined %d/%d, tracks %d/%d, packets %d, lost %d   ",
        (System.nanoTime() - started) / 1e9, joined.get(), total, now.tracksReceived(), expected, now.packets(),
        now.lost());
    progress.flush();
  }
}
