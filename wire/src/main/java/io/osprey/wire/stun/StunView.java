package io.osprey.wire.stun;

import io.osprey.wire.crypto.HmacSha1;
import java.util.zip.CRC32;

/**
 * A view of one STUN message (RFC 8489 §5, §14) in the caller's buffer, for the path every ICE
 * connectivity check takes: {@link #wrap} validates the structure and remembers where
 * MESSAGE-INTEGRITY and FINGERPRINT are; lookups walk the attributes in place; USERNAME is
 * compared as bytes; FINGERPRINT and MESSAGE-INTEGRITY are checked with a reused CRC-32 and a
 * caller's {@link HmacSha1} keyed once with the password. Rewrapping the same view for the next
 * datagram allocates nothing. {@link StunMessage} is the copying, record-style parser beside it.
 *
 * <p>Structure is validated as {@link StunMessage#parse} does (it parses through this view):
 * lengths, cookie, attribute bounds, MESSAGE-INTEGRITY and FINGERPRINT sizes, nothing after
 * FINGERPRINT (§14.7). Attributes after MESSAGE-INTEGRITY other than FINGERPRINT are ignored
 * (§14.5). The view reads the caller's buffer, which must not change while it is in use. Not
 * thread-safe.
 */
public final class StunView {
  static final int HEADER = 20;

  private final CRC32 crc = new CRC32();
  private final byte[] lengthField = new byte[2];
  private final byte[] mac = new byte[HmacSha1.LENGTH];
  private byte[] buf;
  private int off;
  private int len;
  private int end; // end of the attributes that count: the message, or just past MESSAGE-INTEGRITY
  private int integrity; // MESSAGE-INTEGRITY's attribute header, relative to the message, or -1
  private int fingerprint; // FINGERPRINT's attribute header, relative to the message, or -1

  /**
   * Points this view at the STUN message that fills {@code buffer[offset, offset+length)} exactly
   * (a UDP datagram or a framed TCP message), validating its structure.
   *
   * @throws StunFormatException if it is not a well-formed STUN message (the view is then empty)
   */
  public StunView wrap(byte[] buffer, int offset, int length) throws StunFormatException {
    buf = null;
    if (length < HEADER) {
      throw new StunFormatException("STUN message shorter than its 20-byte header: " + length);
    }
    if ((buffer[offset] & 0xc0) != 0) {
      throw new StunFormatException("STUN message type must start with two zero bits");
    }
    int bodyLength = readShort(buffer, offset + 2);
    if ((bodyLength & 3) != 0) {
      throw new StunFormatException("STUN message length " + bodyLength + " is not a multiple of 4");
    }
    if (bodyLength != length - HEADER) {
      throw new StunFormatException("STUN message length " + bodyLength + " does not match the "
          + (length - HEADER) + " bytes after the header");
    }
    if (readInt(buffer, offset + 4) != StunAttributes.MAGIC_COOKIE) {
      throw new StunFormatException("STUN magic cookie missing");
    }
    int integrityAt = -1;
    int fingerprintAt = -1;
    int counted = length;
    for (int pos = HEADER; pos < length; ) {
      if (length - pos < 4) {
        throw new StunFormatException("truncated STUN attribute header at " + pos);
      }
      int type = readShort(buffer, offset + pos);
      int attrLength = readShort(buffer, offset + pos + 2);
      int padded = (attrLength + 3) & ~3;
      if (padded > length - pos - 4) {
        throw new StunFormatException("STUN attribute 0x" + Integer.toHexString(type) + " of " + attrLength
            + " bytes overruns the message");
      }
      if (fingerprintAt >= 0) {
        throw new StunFormatException("STUN attribute after FINGERPRINT");
      }
      if (type == StunAttributes.FINGERPRINT) {
        if (attrLength != 4) {
          throw new StunFormatException("FINGERPRINT must be 4 bytes, not " + attrLength);
        }
        fingerprintAt = pos;
        counted = Math.min(counted, pos);
      } else if (integrityAt < 0 && type == StunAttributes.MESSAGE_INTEGRITY) {
        if (attrLength != 20) {
          throw new StunFormatException("MESSAGE-INTEGRITY must be 20 bytes, not " + attrLength);
        }
        integrityAt = pos;
        counted = pos + 24;
      }
      pos += 4 + padded;
    }
    buf = buffer;
    off = offset;
    len = length;
    end = counted;
    integrity = integrityAt;
    fingerprint = fingerprintAt;
    return this;
  }

  /** The 14-bit message type. */
  public int type() {
    return readShort(buf, off);
  }

  public StunClass stunClass() {
    return StunClass.fromType(type());
  }

  public int method() {
    return StunClass.methodOf(type());
  }

  /** The message's length in bytes, header included. */
  public int length() {
    return len;
  }

  /** Whether this message's 12-byte transaction id equals {@code id}. */
  public boolean hasTransactionId(byte[] id) {
    return java.util.Arrays.equals(buf, off + 8, off + 20, id, 0, 12);
  }

  /** The transaction id, copied (for a response, which is a new message anyway). */
  public byte[] transactionId() {
    return java.util.Arrays.copyOfRange(buf, off + 8, off + 20);
  }

  /** Whether an attribute of this type precedes MESSAGE-INTEGRITY (or is in a message without it). */
  public boolean has(int attrType) {
    return find(attrType) >= 0;
  }

  /** Whether USERNAME is present and its value is exactly {@code expected} (UTF-8 bytes). */
  public boolean usernameEquals(byte[] expected) {
    int at = find(StunAttributes.USERNAME);
    return at >= 0 && attributeLength(at) == expected.length
        && java.util.Arrays.equals(buf, off + at + 4, off + at + 4 + expected.length, expected, 0, expected.length);
  }

  /** Whether USERNAME is present and starts with {@code prefix} (UTF-8 bytes), e.g. {@code "ufrag:"}. */
  public boolean usernameStartsWith(byte[] prefix) {
    int at = find(StunAttributes.USERNAME);
    return at >= 0 && attributeLength(at) >= prefix.length
        && java.util.Arrays.equals(buf, off + at + 4, off + at + 4 + prefix.length, prefix, 0, prefix.length);
  }

  public boolean hasIntegrity() {
    return integrity >= 0;
  }

  public boolean hasFingerprint() {
    return fingerprint >= 0;
  }

  /** Checks FINGERPRINT (§14.7): CRC-32 of what precedes it, XOR'd with 0x5354554E. */
  public boolean verifyFingerprint() {
    return fingerprint >= 0
        && fingerprint(crc, lengthField, buf, off, fingerprint) == readInt(buf, off + fingerprint + 4);
  }

  /**
   * Checks MESSAGE-INTEGRITY (§14.5) with {@code key}, an HMAC keyed with the short-term password
   * (the ICE password's bytes, §9.1): HMAC-SHA1 over the message up to the attribute, with the
   * length field covering it, compared in constant time.
   */
  public boolean verifyIntegrity(HmacSha1 key) {
    if (integrity < 0) {
      return false;
    }
    integrity(key, lengthField, buf, off, integrity, mac, 0);
    int diff = 0;
    for (int i = 0; i < HmacSha1.LENGTH; i++) {
      diff |= mac[i] ^ buf[off + integrity + 4 + i];
    }
    return diff == 0;
  }

  // ---------------------------------------------------------------- attribute walk (for StunMessage)

  /** Where the first counted attribute's header is, relative to the message, or -1. */
  int firstAttribute() {
    return end > HEADER ? HEADER : -1;
  }

  /** Where the counted attribute after the one at {@code at} is, or -1. */
  int nextAttribute(int at) {
    int next = at + 4 + ((attributeLength(at) + 3) & ~3);
    return next < end ? next : -1;
  }

  int attributeType(int at) {
    return readShort(buf, off + at);
  }

  int attributeLength(int at) {
    return readShort(buf, off + at + 2);
  }

  int integrityOffset() {
    return integrity;
  }

  int fingerprintOffset() {
    return fingerprint;
  }

  /** The first counted attribute of this type, or -1. FINGERPRINT is never counted. */
  private int find(int attrType) {
    for (int at = firstAttribute(); at >= 0; at = nextAttribute(at)) {
      if (attributeType(at) == attrType) {
        return at;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- shared with the builder

  /**
   * CRC-32 over {@code msg[off, off+at)} with the length field set as if the message ended after a
   * FINGERPRINT at {@code at}, XOR'd (§14.7).
   */
  static int fingerprint(CRC32 crc, byte[] lengthField, byte[] msg, int off, int at) {
    int adjusted = at + 8 - HEADER;
    lengthField[0] = (byte) (adjusted >> 8);
    lengthField[1] = (byte) adjusted;
    crc.reset();
    crc.update(msg, off, 2);
    crc.update(lengthField, 0, 2);
    crc.update(msg, off + 4, at - 4);
    return (int) crc.getValue() ^ StunAttributes.FINGERPRINT_XOR;
  }

  /**
   * HMAC-SHA1 over {@code msg[off, off+at)} with the length field set as if the message ended
   * after a MESSAGE-INTEGRITY at {@code at} (§14.5), written to {@code out[outOff..]}.
   */
  static void integrity(HmacSha1 key, byte[] lengthField, byte[] msg, int off, int at, byte[] out, int outOff) {
    int adjusted = at + 24 - HEADER;
    lengthField[0] = (byte) (adjusted >> 8);
    lengthField[1] = (byte) adjusted;
    key.update(msg, off, 2);
    key.update(lengthField, 0, 2);
    key.update(msg, off + 4, at - 4);
    key.doFinal(out, outOff);
  }

  static int readShort(byte[] b, int i) {
    return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
  }

  static int readInt(byte[] b, int i) {
    return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
  }
}
