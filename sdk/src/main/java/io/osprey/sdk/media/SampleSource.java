package io.osprey.sdk.media;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where a published track's encoded samples come from: a file reader, a generator, or the
 * caller's own encoder. Samples come with exact timestamps; the track paces them by those.
 */
public interface SampleSource extends Closeable {

  /** The codec's MIME type, e.g. {@code video/VP8}, {@code audio/opus}. */
  String mimeType();

  /** The unit of the samples' timestamps. */
  Timebase timebase();

  /** The next sample, or {@code null} at the end. */
  MediaSample next() throws IOException;

  /**
   * Called on the sending loop just before {@code sample} is packetized, at its send time by
   * {@link System#nanoTime()}: a source may write that time into the sample's bytes (a latency
   * probe, as the load tester's synthetic media does). Does nothing by default.
   */
  default void beforeSend(MediaSample sample, long nanoTime) {}

  /** Starts again from the first sample (for looping), if the source can. */
  default void rewind() throws IOException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot rewind");
  }

  @Override
  default void close() throws IOException {}
}
