package io.osprey.sdk.media.rtp;

import io.osprey.sdk.media.MediaFormatException;
import java.io.ByteArrayOutputStream;

/**
 * AV1 temporal units from RTP payloads (RTP Payload Format for AV1, §4.4–4.5), in the low-overhead
 * form IVF holds: a temporal delimiter first, then every OBU with its size field. The aggregation
 * header's Z and Y bits join an OBU fragmented across payloads; W counts the elements (the last
 * has no length of its own); a payload that does not continue an OBU starts a temporal unit, and
 * the marker bit ends it.
 */
final class Av1Depacketizer extends RtpDepacketizer {
  private static final byte[] TEMPORAL_DELIMITER = {0x12, 0x00};
  private static final int OBU_TEMPORAL_DELIMITER = 2;
  /** The OBU element being gathered, when one continues into the next payload. */
  private final ByteArrayOutputStream element = new ByteArrayOutputStream();
  private boolean continues;

  @Override
  protected boolean isFrameStart(byte[] p, boolean building) throws MediaFormatException {
    if (p.length < 1) {
      throw new MediaFormatException("AV1: empty payload");
    }
    return !building && (p[0] & 0x80) == 0;
  }

  @Override
  protected void frameStarted() {
    element.reset();
    continues = false;
  }

  @Override
  protected void append(byte[] p, ByteArrayOutputStream frame) throws MediaFormatException {
    int header = p[0] & 0xff;
    boolean z = (header & 0x80) != 0;
    boolean y = (header & 0x40) != 0;
    int count = (header >> 4) & 0x03;
    if (z != continues) {
      throw new MediaFormatException(z ? "AV1: a continuation without the OBU it continues"
          : "AV1: an OBU fragment was not continued");
    }
    if (frame.size() == 0) {
      frame.writeBytes(TEMPORAL_DELIMITER);
    }
    int pos = 1;
    for (int index = 1; pos < p.length; index++) {
      boolean lastByCount = count != 0 && index == count;
      int length;
      if (lastByCount) {
        length = p.length - pos;
      } else {
        long value = 0;
        int i = 0;
        for (int b; ; i++) {
          if (pos >= p.length || i == 8) {
            throw new MediaFormatException("AV1: truncated element length");
          }
          b = p[pos++] & 0xff;
          value |= (long) (b & 0x7f) << (7 * i);
          if ((b & 0x80) == 0) {
            break;
          }
        }
        if (value > p.length - pos) {
          throw new MediaFormatException("AV1: element longer than the payload");
        }
        length = (int) value;
      }
      element.write(p, pos, length);
      if (element.size() > MAX_FRAME) {
        throw new MediaFormatException("AV1: OBU larger than " + MAX_FRAME + " bytes");
      }
      pos += length;
      boolean last = lastByCount || pos >= p.length;
      if (!(last && y)) {
        writeObu(frame);
      }
      if (lastByCount && pos < p.length) {
        throw new MediaFormatException("AV1: bytes after the " + count + " elements the header counts");
      }
    }
    continues = y;
  }

  /** The gathered element as a low-overhead OBU (with its size field); temporal delimiters are ours. */
  private void writeObu(ByteArrayOutputStream frame) throws MediaFormatException {
    byte[] obu = element.toByteArray();
    element.reset();
    if (obu.length == 0) {
      return;
    }
    int header = obu[0] & 0xff;
    int headerLength = (header & 0x04) != 0 ? 2 : 1;
    if (obu.length < headerLength) {
      throw new MediaFormatException("AV1: OBU shorter than its header");
    }
    if (((header >> 3) & 0x0f) == OBU_TEMPORAL_DELIMITER) {
      return;
    }
    if ((header & 0x02) != 0) {
      frame.write(obu, 0, obu.length); // it kept its size field
      return;
    }
    frame.write(header | 0x02);
    frame.write(obu, 1, headerLength - 1);
    for (int size = obu.length - headerLength; ; size >>>= 7) {
      if (size < 0x80) {
        frame.write(size);
        break;
      }
      frame.write((size & 0x7f) | 0x80);
    }
    frame.write(obu, headerLength, obu.length - headerLength);
  }
}
