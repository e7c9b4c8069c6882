package io.osprey.sdk.media.ivf;

import io.osprey.sdk.media.KeyFrames;
import io.osprey.sdk.media.MediaFormatException;
import io.osprey.sdk.media.MediaSample;
import io.osprey.sdk.media.SampleSource;
import io.osprey.sdk.media.Timebase;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads an IVF file (the container libvpx and ffmpeg write for VP8, VP9 and AV1): a 32-byte
 * header, then frames of a 12-byte header (little-endian size and 64-bit timestamp) and the
 * frame's bytes. Timestamps are passed through exactly, in the header's timebase.
 */
public final class IvfReader implements SampleSource {
  /** Default bound on one frame, so a corrupt size field cannot allocate gigabytes. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 16 << 20;

  private final FileChannel channel;
  private final IvfHeader header;
  private final long dataStart;
  private final int maxFrameSize;
  private final ByteBuffer frameHeader = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);

  private IvfReader(FileChannel channel, IvfHeader header, int maxFrameSize) throws IOException {
    this.channel = channel;
    this.header = header;
    this.dataStart = channel.position();
    this.maxFrameSize = maxFrameSize;
  }

  public static IvfReader open(Path path) throws IOException {
    return open(path, DEFAULT_MAX_FRAME_SIZE);
  }

  public static IvfReader open(Path path, int maxFrameSize) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      return new IvfReader(channel, readHeader(channel), maxFrameSize);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static IvfHeader readHeader(FileChannel channel) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(IvfHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    if (!readFully(channel, b)) {
      throw new MediaFormatException("IVF: file shorter than its 32-byte header");
    }
    b.flip();
    if (b.get(0) != 'D' || b.get(1) != 'K' || b.get(2) != 'I' || b.get(3) != 'F') {
      throw new MediaFormatException("IVF: missing DKIF signature");
    }
    int headerSize = b.getShort(6) & 0xffff;
    if (headerSize < IvfHeader.SIZE) {
      throw new MediaFormatException("IVF: header size " + headerSize + " < 32");
    }
    String fourCc = new String(new byte[] {b.get(8), b.get(9), b.get(10), b.get(11)}, java.nio.charset.StandardCharsets.US_ASCII);
    long rate = b.getInt(16) & 0xffffffffL;
    long scale = b.getInt(20) & 0xffffffffL;
    if (rate == 0 || scale == 0 || rate > Integer.MAX_VALUE || scale > Integer.MAX_VALUE) {
      throw new MediaFormatException("IVF: invalid timebase " + scale + "/" + rate);
    }
    channel.position(headerSize);
    return new IvfHeader(fourCc, b.getShort(12) & 0xffff, b.getShort(14) & 0xffff, new Timebase(scale, rate),
        b.getInt(24) & 0xffffffffL);
  }

  public IvfHeader header() {
    return header;
  }

  @Override
  public String mimeType() {
    String mime = header.mimeType();
    return mime != null ? mime : "video/" + header.fourCc();
  }

  @Override
  public Timebase timebase() {
    return header.timebase();
  }

  @Override
  public MediaSample next() throws IOException {
    frameHeader.clear();
    int n = channel.read(frameHeader);
    if (n <= 0) {
      return null;
    }
    if (!readFully(channel, frameHeader)) {
      throw new MediaFormatException("IVF: truncated frame header");
    }
    long size = frameHeader.getInt(0) & 0xffffffffL;
    long pts = frameHeader.getLong(4);
    if (size > maxFrameSize) {
      throw new MediaFormatException("IVF: frame of " + size + " bytes exceeds the limit of " + maxFrameSize);
    }
    ByteBuffer frame = ByteBuffer.allocate((int) size);
    if (!readFully(channel, frame)) {
      throw new MediaFormatException("IVF: truncated frame at pts " + pts);
    }
    byte[] data = frame.array();
    return new MediaSample(data, pts, KeyFrames.isKeyFrame(mimeType(), data));
  }

  @Override
  public void rewind() throws IOException {
    channel.position(dataStart);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private static boolean readFully(FileChannel channel, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (channel.read(b) < 0) {
        return false;
      }
    }
    return true;
  }
}
