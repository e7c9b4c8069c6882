package io.osprey.cli;

import io.netty.channel.EventLoopGroup;
import io.osprey.cli.janus.JanusTarget;
import io.osprey.cli.load.LoadTarget;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code osprey load-test}, with {@code lk load-test}'s flags: publishers and subscribers as SDK
 * participants in this JVM; a live progress line, then a table (or {@code --json}). With
 * {@code --janus} the same load runs against a Janus VideoRoom through its HTTP API, for comparing
 * servers with one tool.
 */
@Command(name = "load-test", description = {"Load a room with publishers and subscribers and measure what arrives.",
    "With --janus URL (a Janus HTTP API, e.g. http://127.0.0.1:8088/janus) the same load runs against Janus's "
        + "VideoRoom plugin instead of a LiveKit-protocol server: synthetic VP8/Opus only; --url, --api-key and "
        + "--api-secret are not used."})
final class LoadTestCommand implements Callable<Integer> {
  @Mixin ApiOptions api;
  @Spec CommandSpec spec;

  @Option(names = "--room", description = "room name (default load-test)", defaultValue = "load-test") String room;
  @Option(names = "--video-publishers", defaultValue = "0", description = "participants publishing video") int videoPublishers;
  @Option(names = "--audio-publishers", defaultValue = "0", description = "participants publishing audio") int audioPublishers;
  @Option(names = "--subscribers", defaultValue = "0", description = "participants subscribing to every track") int subscribers;
  @Option(names = "--duration", defaultValue = "30s", description = "how long to measure once everyone has joined")
  String duration;
  @Option(names = "--num-per-second", defaultValue = "5", description = "joins per second") double perSecond;
  @Option(names = "--video-resolution", defaultValue = "high",
      description = "synthetic video bitrate as livekit's layers: high (1.7 Mbit/s), medium (500 kbit/s), low (150 kbit/s)")
  String resolution;
  @Option(names = "--codec", defaultValue = "vp8", description = "video codec of the synthetic media (vp8)") String codec;
  @Option(names = "--simulcast", description = "publish simulcast layers (not built yet: one layer is published)")
  boolean simulcast;
  @Option(names = "--video-file", description = "publish this IVF on a loop instead of synthetic video") Path videoFile;
  @Option(names = "--audio-file", description = "publish this Ogg Opus file on a loop instead of synthetic audio") Path audioFile;
  @Option(names = "--loops", defaultValue = "2", description = "event loop threads for all participants") int loops;
  @Option(names = "--json", description = "print the result as one JSON object") boolean json;
  @Option(names = "--janus", paramLabel = "URL",
      description = "drive a Janus VideoRoom at this HTTP API URL (e.g. http://127.0.0.1:8088/janus) instead of --url")
  java.net.URI janus;

  @Override
  public Integer call() throws Exception {
    if (videoPublishers + audioPublishers == 0) {
      throw new CliException("nothing to measure: give --video-publishers or --audio-publishers");
    }
    if (simulcast) {
      throw new CliException("--simulcast is not supported yet: the SDK publishes one layer");
    }
    if (!codec.equalsIgnoreCase("vp8")) {
      throw new CliException("synthetic video is VP8; for another codec publish a file with --video-file");
    }
    long bitrate = switch (resolution.toLowerCase(Locale.ROOT)) {
      case "high" -> 1_700_000;
      case "medium" -> 500_000;
      case "low" -> 150_000;
      default -> throw new CliException("--video-resolution is high, medium or low");
    };
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LoadTest.Config load = new LoadTest.Config(videoPublishers, audioPublishers, subscribers, Durations.parse(duration),
        perSecond, loops);
    Function<EventLoopGroup, LoadTarget> target;
    if (janus != null) {
      if (videoFile != null || audioFile != null) {
        throw new CliException("--janus publishes synthetic media only: drop --video-file and --audio-file");
      }
      target = group -> JanusTarget.open(janus, group, videoPublishers + audioPublishers, bitrate);
    } else {
      LiveKitTarget.Config c = new LiveKitTarget.Config(api.url(), api.apiKey(), api.apiSecret(), room, bitrate,
          videoFile, audioFile);
      target = group -> new LiveKitTarget(c, group);
    }
    LoadTest.Result r = new LoadTest(load, target).run(err);
    if (json) {
      out.println(String.format(Locale.ROOT, "{\"participants\":%d,\"joined\":%d,\"failures\":%d,\"tracksExpected\":%d,"
              + "\"tracksReceived\":%d,\"seconds\":%.3f,\"packets\":%d,\"bytes\":%d,\"lost\":%d,\"lossPercent\":%.4f,"
              + "\"packetsPerSecond\":%.1f,\"mbps\":%.3f,\"latencyP50Ms\":%s,\"latencyP99Ms\":%s,\"firstPacketP50Ms\":%s,"
              + "\"cpuSeconds\":%s}",
          r.participants(), r.joined(), r.failures(), r.tracksExpected(), r.tracksReceived(), r.seconds(), r.packets(),
          r.bytes(), r.lost(), r.lossPercent(), r.packetsPerSecond(), r.megabitsPerSecond(), number(r.latencyP50Ms()),
          number(r.latencyP99Ms()), number(r.firstPacketP50Ms()), number(r.cpuSeconds())));
    } else {
      err.println();
      out.printf(Locale.ROOT, "%-22s %s%n", "participants joined", r.joined() + "/" + r.participants());
      out.printf(Locale.ROOT, "%-22s %d/%d%n", "tracks received", r.tracksReceived(), r.tracksExpected());
      out.printf(Locale.ROOT, "%-22s %.1f s%n", "measured", r.seconds());
      out.printf(Locale.ROOT, "%-22s %d (%.0f/s)%n", "packets", r.packets(), r.packetsPerSecond());
      out.printf(Locale.ROOT, "%-22s %.2f Mbit/s%n", "bitrate", r.megabitsPerSecond());
      out.printf(Locale.ROOT, "%-22s %d (%.3f%%)%n", "lost", r.lost(), r.lossPercent());
      out.printf(Locale.ROOT, "%-22s p50 %.2f ms, p99 %.2f ms%n", "latency", r.latencyP50Ms(), r.latencyP99Ms());
      out.printf(Locale.ROOT, "%-22s p50 %.0f ms%n", "join to first frame", r.firstPacketP50Ms());
    }
    return r.failures() == 0 ? 0 : 1;
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
  }
}
