package io.osprey.sdk.room;

import io.osprey.sdk.media.FrameSize;
import io.osprey.sdk.media.Timebase;
import io.osprey.sdk.media.ivf.IvfWriter;
import io.osprey.sdk.media.ogg.OggOpusWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes a subscribed track's frames to a file: IVF for VP8, VP9 and AV1 with the RTP clock as
 * timebase, Ogg Opus for audio. A video recording starts at the first key frame,
 * so the file always decodes from its start; its size comes from that key frame.
 */
public final class TrackRecorder implements TrackSink, Closeable {
  private static final Timebase RTP_VIDEO = new Timebase(1, 90_000);
  private final Path file;
  private final String mimeType;
  private IvfWriter ivf;
  private OggOpusWriter ogg;
  private long firstTimestamp = -1;
  private long frames;
  private boolean closed;
  private IOException error;

  private TrackRecorder(Path file, String mimeType) {
    this.file = file;
    this.mimeType = mimeType;
  }

  static TrackRecorder create(Path file, RemoteTrack track) throws IOException {
    String mime = track.mimeType().toLowerCase(Locale.ROOT);
    TrackRecorder r = new TrackRecorder(file, track.mimeType());
    if (mime.equals("audio/opus")) {
      r.ogg = OggOpusWriter.create(file, 2);
    } else if (!List.of("video/vp8", "video/vp9", "video/av1").contains(mime)) {
      throw new IOException("recording " + track.mimeType() + " is not supported (VP8, VP9, AV1 and Opus are)");
    }
    return r;
  }

  @Override
  public synchronized void onFrame(byte[] frame, long rtpTimestamp, boolean keyFrame) {
    if (closed || error != null) {
      return;
    }
    try {
      if (ogg != null) {
        ogg.write(frame);
        frames++;
        return;
      }
      if (ivf == null) {
        FrameSize size = keyFrame ? FrameSize.of(mimeType, frame).orElse(null) : null;
        if (size == null) {
          return;
        }
        ivf = IvfWriter.create(file, mimeType, size.width(), size.height(), RTP_VIDEO);
        firstTimestamp = rtpTimestamp;
      }
      ivf.write(frame, rtpTimestamp - firstTimestamp);
      frames++;
    } catch (IOException e) {
      error = e;
    }
  }

  /** Frames written so far. */
  public synchronized long frames() {
    return frames;
  }

  /** Finishes the file. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (ivf != null) {
        ivf.close();
      }
      if (ogg != null) {
        ogg.close();
      }
    } catch (IOException e) {
      if (error == null) {
        error = e;
      }
    }
    if (error != null) {
      throw new UncheckedIOException("recording " + file + " failed", error);
    }
  }
}
