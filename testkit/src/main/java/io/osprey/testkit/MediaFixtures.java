package io.osprey.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test media made with ffmpeg from its lavfi sources at test time (never committed binaries):
 * 5 s of 640x360 at 30 fps with a key frame every 60 frames, and 5 s of 440 Hz Opus in 20 ms packets.
 * Files are made once per build under {@code target/fixtures}.
 */
public final class MediaFixtures {
  private static final Path DIR = Path.of("target", "fixtures");

  private MediaFixtures() {}

  public static Path vp8Ivf() throws IOException {
    return make("test-vp8.ivf", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "5",
        "-c:v", "libvpx", "-b:v", "500k", "-deadline", "realtime", "-cpu-used", "8", "-g", "60", "-keyint_min", "60");
  }

  public static Path vp9Ivf() throws IOException {
    return make("test-vp9.ivf", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "5",
        "-c:v", "libvpx-vp9", "-b:v", "500k", "-deadline", "realtime", "-cpu-used", "8", "-g", "60",
        "-keyint_min", "60", "-row-mt", "1");
  }

  public static Path av1Ivf() throws IOException {
    return make("test-av1.ivf", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "5",
        "-c:v", "libaom-av1", "-usage", "realtime", "-cpu-used", "8", "-b:v", "500k", "-g", "60",
        "-keyint_min", "60", "-row-mt", "1");
  }

  public static Path h264AnnexB() throws IOException {
    return make("test.h264", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "5",
        "-c:v", "libx264", "-profile:v", "baseline", "-level", "3.1", "-pix_fmt", "yuv420p", "-preset", "veryfast",
        "-tune", "zerolatency", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
        "-bsf:v", "h264_mp4toannexb", "-f", "h264");
  }

  public static Path opusOgg() throws IOException {
    return make("test.ogg", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "5", "-ac", "2",
        "-c:a", "libopus", "-b:a", "64k", "-frame_duration", "20", "-application", "voip");
  }

  private static synchronized Path make(String name, String... args) throws IOException {
    Files.createDirectories(DIR);
    Path out = DIR.resolve(name);
    if (Files.exists(out) && Files.size(out) > 0) {
      return out;
    }
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"));
    cmd.addAll(List.of(args));
    cmd.add(out.toString());
    run(cmd);
    return out;
  }

  /** Runs ffprobe and returns its JSON output. */
  public static String ffprobe(Path file, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error", "-of", "json"));
    cmd.addAll(List.of(args));
    cmd.add(file.toString());
    return run(cmd);
  }

  private static String run(List<String> cmd) throws IOException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(cmd.get(0) + " is not installed (bin/test installs ffmpeg): " + e.getMessage(), e);
    }
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + output);
      }
      return output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
