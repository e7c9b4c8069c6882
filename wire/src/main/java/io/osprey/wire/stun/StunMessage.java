package io.osprey.wire.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A parsed STUN message (RFC 8489 §5, §14): header fields and attributes, over a private copy of
 * the bytes so integrity and fingerprint can be checked against exactly what arrived.
 *
 * <p>Parsing validates structure only (lengths, cookie, attribute bounds, MESSAGE-INTEGRITY and
 * FINGERPRINT placement and sizes); what a message means is the ICE agent's business. Attributes
 * after MESSAGE-INTEGRITY other than FINGERPRINT are ignored (§14.5); nothing may follow
 * FINGERPRINT (§14.7).
 */
public final class StunMessage {
  /** One attribute: its type and where its value lies in {@link #bytes()}. */
  public record Attribute(int type, int offset, int length) {}

  /** An ERROR-CODE (§14.8). */
  public record ErrorCode(int code, String reason) {}

  private static final int HEADER = 20;

  private final byte[] bytes;
  private final int type;
  private final List<Attribute> attributes;
  private final int integrityOffset; // start of the MESSAGE-INTEGRITY attribute header, or -1
  private final int fingerprintOffset; // start of the FINGERPRINT attribute header, or -1

  private StunMessage(byte[] bytes, int type, List<Attribute> attributes, int integrityOffset, int fingerprintOffset) {
    this.bytes = bytes;
    this.type = type;
    this.attributes = attributes;
    this.integrityOffset = integrityOffset;
    this.fingerprintOffset = fingerprintOffset;
  }

  /** Whether a datagram looks like STUN at all (RFC 7983: first byte 0-3, and the magic cookie). */
  public static boolean looksLikeStun(byte[] buf, int off, int len) {
    return len >= HEADER && (buf[off] & 0xc0) == 0 && readInt(buf, off + 4) == StunAttributes.MAGIC_COOKIE;
  }

  /** Parses one STUN message that fills {@code len} bytes exactly (a UDP datagram or a framed TCP message). */
  public static StunMessage parse(byte[] buf, int off, int len) throws StunFormatException {
    if (len < HEADER) {
      throw new StunFormatException("STUN message shorter than its 20-byte header: " + len);
    }
    if ((buf[off] & 0xc0) != 0) {
      throw new StunFormatException("STUN message type must start with two zero bits");
    }
    int bodyLength = readShort(buf, off + 2);
    if ((bodyLength & 3) != 0) {
      throw new StunFormatException("STUN message length " + bodyLength + " is not a multiple of 4");
    }
    if (bodyLength != len - HEADER) {
      throw new StunFormatException("STUN message length " + bodyLength + " does not match the " + (len - HEADER)
          + " bytes after the header");
    }
    if (readInt(buf, off + 4) != StunAttributes.MAGIC_COOKIE) {
      throw new StunFormatException("STUN magic cookie missing");
    }
    byte[] copy = Arrays.copyOfRange(buf, off, off + len);
    List<Attribute> attrs = new ArrayList<>();
    int integrity = -1;
    int fingerprint = -1;
    int pos = HEADER;
    while (pos < len) {
      if (len - pos < 4) {
        throw new StunFormatException("truncated STUN attribute header at " + pos);
      }
      int attrType = readShort(copy, pos);
      int attrLength = readShort(copy, pos + 2);
      int padded = (attrLength + 3) & ~3;
      if (padded > len - pos - 4) {
        throw new StunFormatException("STUN attribute 0x" + Integer.toHexString(attrType) + " of " + attrLength
            + " bytes overruns the message");
      }
      if (fingerprint >= 0) {
        throw new StunFormatException("STUN attribute after FINGERPRINT");
      }
      if (attrType == StunAttributes.FINGERPRINT) {
        if (attrLength != 4) {
          throw new StunFormatException("FINGERPRINT must be 4 bytes, not " + attrLength);
        }
        fingerprint = pos;
      } else if (integrity < 0) {
        if (attrType == StunAttributes.MESSAGE_INTEGRITY) {
          if (attrLength != 20) {
            throw new StunFormatException("MESSAGE-INTEGRITY must be 20 bytes, not " + attrLength);
          }
          integrity = pos;
        }
        attrs.add(new Attribute(attrType, pos + 4, attrLength));
      }
      pos += 4 + padded;
    }
    return new StunMessage(copy, readShort(copy, 0), List.copyOf(attrs), integrity, fingerprint);
  }

  /** The raw bytes of the message. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public int type() {
    return type;
  }

  public StunClass stunClass() {
    return StunClass.fromType(type);
  }

  public int method() {
    return StunClass.methodOf(type);
  }

  /** The 12-byte transaction id. */
  public byte[] transactionId() {
    return Arrays.copyOfRange(bytes, 8, 20);
  }

  /** Whether this message's transaction id equals {@code id}. */
  public boolean hasTransactionId(byte[] id) {
    return Arrays.equals(bytes, 8, 20, id, 0, 12);
  }

  public List<Attribute> attributes() {
    return attributes;
  }

  public Attribute attribute(int attrType) {
    for (Attribute a : attributes) {
      if (a.type() == attrType) {
        return a;
      }
    }
    return null;
  }

  public boolean has(int attrType) {
    return attribute(attrType) != null;
  }

  /** The value of an attribute, copied. */
  public byte[] value(Attribute a) {
    return Arrays.copyOfRange(bytes, a.offset(), a.offset() + a.length());
  }

  /** USERNAME as UTF-8, or null. */
  public String username() {
    Attribute a = attribute(StunAttributes.USERNAME);
    return a == null ? null : new String(bytes, a.offset(), a.length(), StandardCharsets.UTF_8);
  }

  /** PRIORITY (RFC 8445 §7.1.1), or -1. */
  public long priority() throws StunFormatException {
    Attribute a = attribute(StunAttributes.PRIORITY);
    if (a == null) {
      return -1;
    }
    requireLength(a, 4, "PRIORITY");
    return readInt(bytes, a.offset()) & 0xffffffffL;
  }

  /** The tie-breaker of ICE-CONTROLLING or ICE-CONTROLLED, whichever is present. */
  public long tieBreaker(int attrType) throws StunFormatException {
    Attribute a = attribute(attrType);
    if (a == null) {
      throw new StunFormatException("no attribute 0x" + Integer.toHexString(attrType));
    }
    requireLength(a, 8, "ICE-CONTROLLING/CONTROLLED");
    return ((long) readInt(bytes, a.offset()) << 32) | (readInt(bytes, a.offset() + 4) & 0xffffffffL);
  }

  /** XOR-MAPPED-ADDRESS (§14.2), or null if absent. */
  public InetSocketAddress xorMappedAddress() throws StunFormatException {
    Attribute a = attribute(StunAttributes.XOR_MAPPED_ADDRESS);
    if (a == null) {
      return null;
    }
    if (a.length() < 8) {
      throw new StunFormatException("XOR-MAPPED-ADDRESS too short");
    }
    int family = bytes[a.offset() + 1] & 0xff;
    int port = readShort(bytes, a.offset() + 2) ^ (StunAttributes.MAGIC_COOKIE >>> 16);
    int addrLength = switch (family) {
      case 1 -> 4;
      case 2 -> 16;
      default -> throw new StunFormatException("XOR-MAPPED-ADDRESS family " + family + " is neither IPv4 nor IPv6");
    };
    if (a.length() != 4 + addrLength) {
      throw new StunFormatException("XOR-MAPPED-ADDRESS length " + a.length() + " does not fit its family");
    }
    byte[] addr = new byte[addrLength];
    for (int i = 0; i < addrLength; i++) {
      addr[i] = (byte) (bytes[a.offset() + 4 + i] ^ bytes[4 + i]); // cookie, then transaction id
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(addr), port);
    } catch (UnknownHostException e) {
      throw new StunFormatException("XOR-MAPPED-ADDRESS: " + e.getMessage());
    }
  }

  /** ERROR-CODE (§14.8), or null. */
  public ErrorCode errorCode() throws StunFormatException {
    Attribute a = attribute(StunAttributes.ERROR_CODE);
    if (a == null) {
      return null;
    }
    if (a.length() < 4) {
      throw new StunFormatException("ERROR-CODE shorter than 4 bytes");
    }
    int cls = bytes[a.offset() + 2] & 0x07;
    int number = bytes[a.offset() + 3] & 0xff;
    if (cls < 3 || cls > 6 || number > 99) {
      throw new StunFormatException("ERROR-CODE " + cls + "/" + number + " is outside 300-699");
    }
    return new ErrorCode(cls * 100 + number, new String(bytes, a.offset() + 4, a.length() - 4, StandardCharsets.UTF_8));
  }

  public boolean hasIntegrity() {
    return integrityOffset >= 0;
  }

  public boolean hasFingerprint() {
    return fingerprintOffset >= 0;
  }

  /**
   * Checks MESSAGE-INTEGRITY with a short-term credential key (the ICE password's bytes): HMAC-SHA1
   * over the message up to the attribute, with the length field covering it (§14.5).
   */
  public boolean verifyIntegrity(byte[] key) {
    if (integrityOffset < 0 || key.length == 0) {
      return false;
    }
    byte[] expected = hmac(key, bytes, integrityOffset);
    return MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, integrityOffset + 4, integrityOffset + 24));
  }

  /** Checks FINGERPRINT (§14.7). */
  public boolean verifyFingerprint() {
    if (fingerprintOffset < 0) {
      return false;
    }
    return fingerprint(bytes, fingerprintOffset) == readInt(bytes, fingerprintOffset + 4);
  }

  /** HMAC-SHA1 over {@code msg[0..end)} with the length field set as if the message ended after a MESSAGE-INTEGRITY at {@code end}. */
  static byte[] hmac(byte[] key, byte[] msg, int end) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      int adjusted = end + 24 - HEADER;
      mac.update(msg, 0, 2);
      mac.update((byte) (adjusted >> 8));
      mac.update((byte) adjusted);
      mac.update(msg, 4, end - 4);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 unavailable", e);
    }
  }

  /** CRC-32 over {@code msg[0..end)} with the length field covering a FINGERPRINT at {@code end}, XOR'd. */
  static int fingerprint(byte[] msg, int end) {
    CRC32 crc = new CRC32();
    int adjusted = end + 8 - HEADER;
    crc.update(msg, 0, 2);
    crc.update(adjusted >> 8);
    crc.update(adjusted & 0xff);
    crc.update(msg, 4, end - 4);
    return (int) crc.getValue() ^ StunAttributes.FINGERPRINT_XOR;
  }

  private static void requireLength(Attribute a, int length, String name) throws StunFormatException {
    if (a.length() != length) {
      throw new StunFormatException(name + " must be " + length + " bytes, not " + a.length());
    }
  }

  static int readShort(byte[] b, int i) {
    return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
  }

  static int readInt(byte[] b, int i) {
    return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
  }
}
