package io.osprey.sdk.media.h264;

import io.osprey.sdk.media.MediaFormatException;
import io.osprey.sdk.media.MediaSample;
import io.osprey.sdk.media.SampleSource;
import io.osprey.sdk.media.Timebase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an H.264 Annex-B byte stream (ITU-T H.264 Annex B: NAL units behind 3- or 4-byte start
 * codes) and groups NAL units into access units (§7.4.1.2.3), one sample per picture, timestamped
 * by a frame rate the caller gives (Annex-B carries no timestamps): picture {@code n} is at
 * {@code n} ticks of {@code frameDuration}, e.g. 1001/30000 s, so no rounding ever accumulates.
 *
 * <p>A new access unit starts at an access unit delimiter, or at SPS, PPS or SEI after a picture's
 * slices, or at a slice whose {@code first_mb_in_slice} is 0 after a slice. Samples hold their NAL
 * units in Annex-B form with 4-byte start codes; a sample with an IDR slice is a key frame.
 */
public final class AnnexBReader implements SampleSource {
  /** Default bound on one NAL unit. */
  public static final int DEFAULT_MAX_NAL_SIZE = 8 << 20;

  private static final byte[] START_CODE = {0, 0, 0, 1};

  private final Path path;
  private final Timebase frameDuration;
  private final int maxNalSize;
  private InputStream in;
  private byte[] pendingNal;
  private long frameIndex;
  private boolean eof;
  private boolean synced;

  private AnnexBReader(Path path, Timebase frameDuration, int maxNalSize) throws IOException {
    this.path = path;
    this.frameDuration = frameDuration;
    this.maxNalSize = maxNalSize;
    this.in = new java.io.BufferedInputStream(Files.newInputStream(path), 1 << 16);
  }

  /**
   * Opens a file read at {@code framesPerSecondNumerator/framesPerSecondDenominator} frames per
   * second (30/1, 30000/1001, ...).
   */
  public static AnnexBReader open(Path path, int framesPerSecondNumerator, int framesPerSecondDenominator)
      throws IOException {
    return new AnnexBReader(path, new Timebase(framesPerSecondDenominator, framesPerSecondNumerator),
        DEFAULT_MAX_NAL_SIZE);
  }

  @Override
  public String mimeType() {
    return "video/H264";
  }

  @Override
  public Timebase timebase() {
    return frameDuration;
  }

  @Override
  public MediaSample next() throws IOException {
    ByteArrayOutputStream au = new ByteArrayOutputStream();
    boolean haveSlice = false;
    boolean keyFrame = false;
    while (true) {
      byte[] nal = pendingNal != null ? pendingNal : readNal();
      pendingNal = null;
      if (nal == null) {
        break;
      }
      if (nal.length == 0) {
        continue;
      }
      int type = nal[0] & 0x1f;
      boolean slice = type >= 1 && type <= 5;
      boolean startsNewUnit = haveSlice
          && (type == 9 || type == 7 || type == 8 || type == 6 || (slice && firstMbIsZero(nal)));
      if (startsNewUnit) {
        pendingNal = nal;
        break;
      }
      au.write(START_CODE);
      au.write(nal);
      haveSlice |= slice;
      keyFrame |= type == 5;
    }
    if (au.size() == 0) {
      return null;
    }
    return new MediaSample(au.toByteArray(), frameIndex++, keyFrame);
  }

  @Override
  public void rewind() throws IOException {
    in.close();
    in = new java.io.BufferedInputStream(Files.newInputStream(path), 1 << 16);
    pendingNal = null;
    frameIndex = 0;
    eof = false;
    synced = false;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** first_mb_in_slice is ue(v) first in the slice header: value 0 is the single bit '1'. */
  private static boolean firstMbIsZero(byte[] nal) {
    return nal.length > 1 && (nal[1] & 0x80) != 0;
  }

  /** The next NAL unit without its start code, or null at the end of the stream. */
  private byte[] readNal() throws IOException {
    if (eof) {
      return null;
    }
    ByteArrayOutputStream nal = new ByteArrayOutputStream();
    int zeros = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        eof = true;
        break;
      }
      if (b == 0) {
        zeros++;
        continue;
      }
      if (b == 1 && zeros >= 2) {
        if (synced && nal.size() > 0) {
          return nal.toByteArray();
        }
        synced = true; // bytes before the first start code are not part of the stream
        zeros = 0;
        continue;
      }
      if (synced) {
        for (; zeros > 0; zeros--) {
          nal.write(0);
        }
        nal.write(b);
        if (nal.size() > maxNalSize) {
          throw new MediaFormatException("H.264: NAL unit larger than " + maxNalSize + " bytes");
        }
      }
      zeros = 0;
    }
    // Zero bytes at the very end are trailing_zero_8bits, not part of the last NAL unit.
    return nal.size() == 0 ? null : nal.toByteArray();
  }
}
