package io.osprey.transport.dtls;

/**
 * Checks a datagram's DTLS records (RFC 6347 §4.1) and unencrypted handshake message headers
 * (§4.2.2) before Bouncy Castle sees them. Bouncy Castle 1.84 allocates a handshake message's
 * declared 24-bit length before authenticating anything (CVE-2026-59646: ~256 MiB for a ~205-byte
 * datagram); a declared length above the bound, a fragment outside its message or its record, or
 * a record overrunning the datagram makes the whole datagram drop here.
 */
public final class DtlsRecordGuard {
  /** Default bound on one handshake message: WebRTC certificates and hellos are a few KiB. */
  public static final int DEFAULT_MAX_HANDSHAKE_MESSAGE = 64 * 1024;

  private static final int RECORD_HEADER = 13;
  private static final int HANDSHAKE_HEADER = 12;
  private static final int HANDSHAKE = 22;

  private final int maxHandshakeMessage;

  public DtlsRecordGuard(int maxHandshakeMessage) {
    this.maxHandshakeMessage = maxHandshakeMessage;
  }

  /** Why a datagram was refused, or null if it may pass. */
  public String check(byte[] buf, int off, int len) {
    int pos = off;
    int end = off + len;
    if (len < RECORD_HEADER) {
      return "datagram shorter than a DTLS record header";
    }
    while (pos < end) {
      if (end - pos < RECORD_HEADER) {
        return "trailing bytes shorter than a record header";
      }
      int type = buf[pos] & 0xff;
      int epoch = (buf[pos + 3] & 0xff) << 8 | (buf[pos + 4] & 0xff);
      int length = (buf[pos + 11] & 0xff) << 8 | (buf[pos + 12] & 0xff);
      int body = pos + RECORD_HEADER;
      if (length > end - body) {
        return "record of " + length + " bytes overruns the datagram";
      }
      if (type == HANDSHAKE && epoch == 0) {
        String why = checkHandshake(buf, body, length);
        if (why != null) {
          return why;
        }
      }
      pos = body + length;
    }
    return null;
  }

  private String checkHandshake(byte[] buf, int pos, int length) {
    int end = pos + length;
    while (pos < end) {
      if (end - pos < HANDSHAKE_HEADER) {
        return "handshake fragment shorter than its header";
      }
      int messageLength = int24(buf, pos + 1);
      int fragmentOffset = int24(buf, pos + 6);
      int fragmentLength = int24(buf, pos + 9);
      if (messageLength > maxHandshakeMessage) {
        return "handshake message declares " + messageLength + " bytes, over the bound of " + maxHandshakeMessage;
      }
      if ((long) fragmentOffset + fragmentLength > messageLength) {
        return "handshake fragment outside its message";
      }
      if (fragmentLength > end - pos - HANDSHAKE_HEADER) {
        return "handshake fragment overruns its record";
      }
      pos += HANDSHAKE_HEADER + fragmentLength;
    }
    return null;
  }

  private static int int24(byte[] b, int i) {
    return (b[i] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff);
  }
}
