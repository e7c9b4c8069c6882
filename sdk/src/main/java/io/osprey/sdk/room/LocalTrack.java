package io.osprey.sdk.room;

import io.osprey.protocol.livekit.LivekitModels.TrackSource;
import io.osprey.protocol.livekit.LivekitModels.TrackType;
import io.osprey.sdk.media.SampleSource;
import io.osprey.sdk.media.h264.AnnexBReader;
import io.osprey.sdk.media.ivf.IvfReader;
import io.osprey.sdk.media.ogg.OggOpusReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * A track to publish: encoded samples from a {@link SampleSource} (a file reader, a generator, an
 * encoder of the caller's), sent at the pace their timestamps give, by a monotonic clock and
 * without drift: each sample's send time and RTP timestamp are computed from its own timestamp,
 * never accumulated from rounded durations.
 */
public final class LocalTrack {
  /**
   * @param name        the track name others see
   * @param source      camera, microphone, screen share, ...; UNKNOWN lets the kind decide
   * @param loop        start again from the first sample at the end, forever
   * @param width       video width for the server's layer description (0: from the file if it says)
   * @param height      likewise
   */
  public record Options(String name, TrackSource source, boolean loop, int width, int height) {
    public static Options defaults() {
      return new Options("", TrackSource.UNKNOWN, false, 0, 0);
    }

    public Options withName(String name) {
      return new Options(name, source, loop, width, height);
    }

    public Options withSource(TrackSource source) {
      return new Options(name, source, loop, width, height);
    }

    public Options withLoop(boolean loop) {
      return new Options(name, source, loop, width, height);
    }

    public Options withSize(int width, int height) {
      return new Options(name, source, loop, width, height);
    }
  }

  /**
   * What the track has sent so far.
   *
   * @param mediaDuration the span of the sent samples' timestamps (first to last)
   * @param sendDuration  the wall-clock span from sending the first sample to sending the last
   */
  public record Stats(long samples, long packets, long bytes, long retransmitted, Duration mediaDuration,
                      Duration sendDuration) {}

  private final SampleSource source;
  private final Options options;
  private final CompletableFuture<Void> completion = new CompletableFuture<>();
  volatile Stats stats = new Stats(0, 0, 0, 0, Duration.ZERO, Duration.ZERO);

  private LocalTrack(SampleSource source, Options options) {
    this.source = source;
    this.options = options;
  }

  public static LocalTrack fromSource(SampleSource source, Options options) {
    return new LocalTrack(source, options);
  }

  /**
   * A track reading a file: IVF (VP8, VP9, AV1), Ogg Opus ({@code .ogg}, {@code .opus}), or H.264
   * Annex-B ({@code .h264}, {@code .264}) at 30 frames per second (for another rate, open an
   * {@link AnnexBReader} and use {@link #fromSource}).
   */
  public static LocalTrack fromFile(Path file, Options options) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".ivf")) {
      IvfReader reader = IvfReader.open(file);
      Options o = options.width() > 0 ? options
          : options.withSize(reader.header().width(), reader.header().height());
      return new LocalTrack(reader, o);
    }
    if (name.endsWith(".ogg") || name.endsWith(".opus")) {
      return new LocalTrack(OggOpusReader.open(file), options);
    }
    if (name.endsWith(".h264") || name.endsWith(".264")) {
      return new LocalTrack(AnnexBReader.open(file, 30, 1), options);
    }
    throw new IOException("not a media file Osprey reads (.ivf, .ogg, .opus, .h264): " + file);
  }

  public String mimeType() {
    return source.mimeType();
  }

  public TrackType kind() {
    return source.mimeType().toLowerCase(Locale.ROOT).startsWith("audio/") ? TrackType.AUDIO : TrackType.VIDEO;
  }

  public Options options() {
    return options;
  }

  /** Completes when the source has no more samples (never, when looping) or the track is unpublished. */
  public CompletableFuture<Void> completion() {
    return completion;
  }

  public Stats stats() {
    return stats;
  }

  SampleSource source() {
    return source;
  }

  void complete() {
    try {
      source.close();
    } catch (IOException ignored) {
      // closing a reader we are done with: nothing to lose
    }
    completion.complete(null);
  }

  void fail(Throwable error) {
    try {
      source.close();
    } catch (IOException ignored) {
      // the error below says what went wrong
    }
    completion.completeExceptionally(error);
  }
}
