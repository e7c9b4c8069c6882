package io.osprey.cli;

import io.netty.channel.EventLoopGroup;
import io.osprey.protocol.livekit.LivekitModels.TrackSource;
import io.osprey.protocol.livekit.LivekitModels.TrackType;
import io.osprey.sdk.media.SyntheticSource;
import io.osprey.sdk.room.LocalTrack;
import io.osprey.sdk.room.RemoteParticipant;
import io.osprey.sdk.room.RemoteTrack;
import io.osprey.sdk.room.RemoteTrackPublication;
import io.osprey.sdk.room.Room;
import io.osprey.sdk.room.RoomListener;
import io.osprey.sdk.room.RoomOptions;
import io.osprey.sdk.room.RtcLoops;
import io.osprey.sdk.room.TrackSink;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Runs a load: publishers and subscribers as SDK participants in one JVM, on a few shared event
 * loops (no thread per participant), joining at a fixed rate. Publishers send synthetic media (a
 * send-time probe in every frame) or looped files; subscribers count packets, bytes, sequence gaps
 * after the server's rewriting, and latency from the probes.
 */
final class LoadTest {
  /**
   * What to run.
   *
   * @param videoFile publish this IVF (looped) instead of synthetic video; null for synthetic
   * @param audioFile likewise for Ogg Opus
   */
  record Config(String url, String apiKey, String apiSecret, String room, int videoPublishers, int audioPublishers,
                int subscribers, Duration duration, double joinsPerSecond, long videoBitrate, Path videoFile,
                Path audioFile, int loops) {}

  /** What was measured. */
  record Result(int joined, int participants, long tracksExpected, long tracksReceived, long packets, long bytes,
                long lost, double seconds, double latencyP50Ms, double latencyP99Ms, double firstPacketP50Ms,
                int failures) {
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
  private final List<Room> rooms = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<RemoteTrack> tracks = new ConcurrentLinkedQueue<>();
  private final Histogram latency = new Histogram();
  private final ConcurrentLinkedQueue<Long> firstPacketNanos = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failures = new AtomicInteger();

  LoadTest(Config config) {
    this.config = config;
  }

  Result run(PrintWriter progress) throws InterruptedException {
    EventLoopGroup loops = RtcLoops.newGroup(config.loops());
    RoomOptions publisherOptions = RoomOptions.defaults().withAutoSubscribe(false).withLoops(loops).withMaxReconnects(0);
    RoomOptions subscriberOptions = RoomOptions.defaults().withLoops(loops).withMaxReconnects(0);
    int publishers = config.videoPublishers() + config.audioPublishers();
    int total = publishers + config.subscribers();
    long pause = (long) (1e9 / Math.max(0.1, config.joinsPerSecond()));
    List<CompletableFuture<?>> joins = new ArrayList<>();
    long started = System.nanoTime();
    try {
      for (int i = 0; i < total; i++) {
        boolean publisher = i < publishers;
        boolean video = i < config.videoPublishers();
        String identity = publisher ? (video ? "video-pub-" : "audio-pub-") + i : "sub-" + (i - publishers);
        long joinStarted = System.nanoTime();
        String token = token(identity);
        CompletableFuture<Room> join = Room.connectAsync(config.url(), token,
            publisher ? publisherOptions : subscriberOptions, publisher ? new RoomListener() {} : counter(joinStarted));
        joins.add(join.thenCompose(room -> {
          rooms.add(room);
          if (!publisher) {
            return CompletableFuture.completedFuture(null);
          }
          try {
            return room.localParticipant().publishTrack(track(video));
          } catch (java.io.IOException e) {
            return CompletableFuture.failedFuture(e);
          }
        }).exceptionally(e -> {
          failures.incrementAndGet();
          progress.printf("%s could not join: %s%n", identity, e.getCause() != null ? e.getCause().getMessage() : e);
          return null;
        }));
        TimeUnit.NANOSECONDS.sleep(Math.max(0, started + pause * (i + 1) - System.nanoTime()));
        report(progress, started, total, publishers);
      }
      // the measurement starts in the steady state: everyone in, every track flowing (or 30 s gone)
      long expected = (long) config.subscribers() * publishers;
      long settleBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < settleBy && (rooms.size() + failures.get() < total || tracks.size() < expected
          || firstPacketNanos.size() < Math.min(config.subscribers(), rooms.size() - publishers))) {
        TimeUnit.MILLISECONDS.sleep(100);
        report(progress, started, total, publishers);
      }
      TimeUnit.SECONDS.sleep(1); // the last subscriptions' first key frames
      latency.clear();
      progress.printf("%nmeasuring for %d s%n", config.duration().toSeconds());
      progress.flush();
      long measureFrom = System.nanoTime();
      Totals before = totals();
      long end = measureFrom + config.duration().toNanos();
      while (System.nanoTime() < end) {
        TimeUnit.MILLISECONDS.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        report(progress, started, total, publishers);
      }
      double seconds = (System.nanoTime() - measureFrom) / 1e9;
      progress.printf("%nmeasured%n");
      progress.flush();
      Totals after = totals();
      List<Long> first = new ArrayList<>(firstPacketNanos);
      first.sort(null);
      double firstP50 = first.isEmpty() ? Double.NaN : first.get(first.size() / 2) / 1e6;
      return new Result(rooms.size(), total, (long) config.subscribers() * publishers, tracks.size(),
          after.packets() - before.packets(), after.bytes() - before.bytes(), after.lost() - before.lost(), seconds, latency.percentile(0.5) / 1000.0,
          latency.percentile(0.99) / 1000.0, firstP50, failures.get());
    } finally {
      for (Room r : rooms) {
        r.disconnect();
      }
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
  }

  private String token(String identity) {
    return new io.osprey.protocol.auth.AccessToken(config.apiKey(), config.apiSecret()).identity(identity)
        .video(io.osprey.protocol.auth.VideoGrant.builder().roomJoin(true).room(config.room()).build()).toJwt();
  }

  private LocalTrack track(boolean video) throws java.io.IOException {
    if (video) {
      LocalTrack.Options o = LocalTrack.Options.defaults().withSource(TrackSource.CAMERA).withLoop(true);
      return config.videoFile() != null ? LocalTrack.fromFile(config.videoFile(), o)
          : LocalTrack.fromSource(SyntheticSource.video(config.videoBitrate(), 30, 60), o.withSize(1280, 720));
    }
    LocalTrack.Options o = LocalTrack.Options.defaults().withSource(TrackSource.MICROPHONE).withLoop(true);
    return config.audioFile() != null ? LocalTrack.fromFile(config.audioFile(), o)
        : LocalTrack.fromSource(SyntheticSource.audio(32_000), o);
  }

  /** A subscriber's listener: every subscribed track is counted and its probes timed. */
  private RoomListener counter(long joinStarted) {
    boolean[] first = {false};
    return new RoomListener() {
      @Override
      public void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        tracks.add(track);
        track.addSink(new TrackSink() {
          @Override
          public void onFrame(byte[] frame, long rtpTimestamp, boolean keyFrame) {
            long now = System.nanoTime();
            if (!first[0]) {
              first[0] = true;
              firstPacketNanos.add(now - joinStarted);
            }
            long sent = SyntheticSource.sentNanos(frame);
            if (sent > 0 && sent <= now && now - sent < 60_000_000_000L) {
              latency.add((now - sent) / 1000);
            }
          }
        });
      }
    };
  }

  private void report(PrintWriter progress, long started, int total, int publishers) {
    Totals now = totals();
    progress.printf(Locale.ROOT, "\r%5.1fs joined %d/%d, tracks %d/%d, packets %d, lost %d   ",
        (System.nanoTime() - started) / 1e9, rooms.size(), total, tracks.size(),
        (long) config.subscribers() * publishers, now.packets(), now.lost());
    progress.flush();
  }

  /** What every subscribed track has received so far. */
  private record Totals(long packets, long bytes, long lost) {}

  private Totals totals() {
    long packets = 0;
    long bytes = 0;
    long lost = 0;
    for (RemoteTrack t : tracks) {
      packets += t.packetsReceived();
      bytes += t.bytesReceived();
      lost += t.packetsLost();
    }
    return new Totals(packets, bytes, lost);
  }

  /** Latencies in microseconds, 100 µs buckets up to 10 s; lock-free. */
  static final class Histogram {
    private static final int BUCKET_US = 100;
    private final AtomicLongArray counts = new AtomicLongArray(100_001);

    void clear() {
      for (int i = 0; i < counts.length(); i++) {
        counts.set(i, 0);
      }
    }

    void add(long micros) {
      counts.incrementAndGet((int) Math.min(counts.length() - 1, micros / BUCKET_US));
    }

    /** The value at quantile {@code q} (bucket midpoint), or NaN when empty. */
    double percentile(double q) {
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
}
