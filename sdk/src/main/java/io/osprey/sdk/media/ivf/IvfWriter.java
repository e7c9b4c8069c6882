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
 * Writes an IVF file: the header first with a frame count of 0, rewritten with the real count on
 * {@link #close()}, so an interrupted recording is still readable up to its last whole frame.
 */
public final class IvfWriter implements Closeable {
  private final FileChannel channel;
  private final IvfHeader header;
  private long frames;

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
  }

  public long framesWritten() {
    return frames;
  }

  @Override
  public void close() throws IOException {
    try {
      writeHeader(frames);
    } finally {
      channel.close();
    }
  }

  private void writeHeader(long frameCount) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(IvfHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'D').put((byte) 'K').put((byte) 'I').put((byte) 'F');
    b.putShort((short) 0).putShort((short) IvfHeader.SIZE);
    b.put(header.fourCc().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.putShort((short) header.width()).putShort((short) header.height());
    b.putInt((int) header.timebase().denominator()).putInt((int) header.timebase().numerator());
    b.putInt((int) frameCount).putInt(0).flip();
    channel.write(b, 0);
  }
}
