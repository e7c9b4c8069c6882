package io.osprey.wire.sctp;

import java.util.Arrays;

/**
 * One chunk (RFC 9260 §3.2): type, flags and value, padded to 4 bytes on the wire. Typed views of
 * the chunks an association needs are in {@link SctpChunks}.
 */
public record SctpChunk(int type, int flags, byte[] value) {
  public static final int DATA = 0;
  public static final int INIT = 1;
  public static final int INIT_ACK = 2;
  public static final int SACK = 3;
  public static final int HEARTBEAT = 4;
  public static final int HEARTBEAT_ACK = 5;
  public static final int ABORT = 6;
  public static final int SHUTDOWN = 7;
  public static final int SHUTDOWN_ACK = 8;
  public static final int ERROR = 9;
  public static final int COOKIE_ECHO = 10;
  public static final int COOKIE_ACK = 11;
  public static final int SHUTDOWN_COMPLETE = 14;
  public static final int RE_CONFIG = 130;
  public static final int FORWARD_TSN = 192;

  public SctpChunk {
    if (type < 0 || type > 255 || flags < 0 || flags > 255 || value.length > 65535 - 4) {
      throw new IllegalArgumentException("invalid chunk");
    }
  }

  /** Length on the wire including header and padding. */
  public int encodedLength() {
    return (4 + value.length + 3) & ~3;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SctpChunk c && c.type == type && c.flags == flags && Arrays.equals(c.value, value);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * type + flags) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "SctpChunk[type=" + type + ", flags=" + flags + ", length=" + value.length + "]";
  }
}
