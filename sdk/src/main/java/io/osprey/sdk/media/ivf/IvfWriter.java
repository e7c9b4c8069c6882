package io.osprey.sdk.media.ivf;

import io.osprey.sdk.media.Timebase;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes an IVF file: the header first with a length of 0, rewritten on {@link #close()}, so an
 * interrupted recording is still readable up to its last whole frame. The header's length field
 * is the frame count for files timed in frames (timebase 1/fps), and ffmpeg reads it as the
 * stream's duration in timebase units; so it is written as the end of the last frame (its
 * timestamp plus the interval before it), which is both: the count when timestamps are frame
 * numbers, and the duration when they are clock ticks (a 1/90000 recording of RTP).
 */
public final class IvfWriter implements Closeable {
  private final FileChannel channel;
  private final IvfHeader header;
  private long frames;
  private long lastPts = -1;
  private long lastInterval = 1;

  private IvfWriter(FileChannel channel, IvfHeader header) {
    this.channel = channel;
    this.header = header;
  }

  /** Creates (or truncates) {@code path} for frames of {@code mimeType} in {@code timebase}. */
  public static IvfWriter create(Path path, String mimeType, int width, int height, Timebase timebase)
      throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    IvfWriter w = new IvfWriter(channel, new IvfHeader(IvfHeader.fourCcOf(mimeType), width, height, timebase, 0));
    w.writeHeader(0);
    channel.position(IvfHeader.SIZE);
    return w;
  }

  /** Appends one frame with its timestamp in the file's timebase. */
  public void write(byte[] frame, long pts) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(12 + frame.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(frame.length).putLong(pts).put(frame).flip();
    while (b.hasRemaining()) {
      channel.write(b);
    }
    frames++;
    if (lastPts >= 0 && pts > lastPts) {
      lastInterval = pts - lastPts;
    }
    lastPts = pts;
  }

  public long framesWritten() {
    return frames;
  }

  @Override
  public void close() throws IOException {
    try {
      writeHeader(frames == 0 ? 0 : Math.max(frames, lastPts + lastInterval));
    } finally {
      channel.close();
    }
  }

  private void writeHeader(long length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(IvfHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'D').put((byte) 'K').put((byte) 'I').put((byte) 'F');
    b.putShort((short) 0).putShort((short) IvfHeader.SIZE);
    b.put(header.fourCc().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.putShort((short) header.width()).putShort((short) header.height());
    b.putInt((int) header.timebase().denominator()).putInt((int) header.timebase().numerator());
    b.putInt((int) length).putInt(0).flip();
    channel.write(b, 0);
  }
}
