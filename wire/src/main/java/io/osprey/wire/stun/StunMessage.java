package io.osprey.wire.stun;

import static io.osprey.wire.stun.StunView.readInt;
import static io.osprey.wire.stun.StunView.readShort;

import io.osprey.wire.crypto.HmacSha1;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A parsed STUN message (RFC 8489 §5, §14): header fields and attributes, over a private copy of
 * the bytes so integrity and fingerprint can be checked against exactly what arrived. Immutable;
 * each call that reads it may allocate. The per-datagram path of an ICE agent uses
 * {@link StunView}, which validates the same structure (this parser runs through it) in place.
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
    return len >= StunView.HEADER && (buf[off] & 0xc0) == 0 && readInt(buf, off + 4) == StunAttributes.MAGIC_COOKIE;
  }

  /** Parses one STUN message that fills {@code len} bytes exactly (a UDP datagram or a framed TCP message). */
  public static StunMessage parse(byte[] buf, int off, int len) throws StunFormatException {
    byte[] copy = Arrays.copyOfRange(buf, off, off + len);
    StunView view = new StunView().wrap(copy, 0, len);
    List<Attribute> attrs = new ArrayList<>();
    for (int at = view.firstAttribute(); at >= 0; at = view.nextAttribute(at)) {
      attrs.add(new Attribute(view.attributeType(at), at + 4, view.attributeLength(at)));
    }
    return new StunMessage(copy, view.type(), List.copyOf(attrs), view.integrityOffset(), view.fingerprintOffset());
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
   * over the message up to the attribute, with the length field covering it (§14.5). Keys an HMAC
   * per call; {@link StunView#verifyIntegrity} takes one keyed once.
   */
  public boolean verifyIntegrity(byte[] key) {
    if (integrityOffset < 0 || key.length == 0) {
      return false;
    }
    byte[] expected = new byte[HmacSha1.LENGTH];
    StunView.integrity(new HmacSha1(key), new byte[2], bytes, 0, integrityOffset, expected, 0);
    return MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, integrityOffset + 4, integrityOffset + 24));
  }

  /** Checks FINGERPRINT (§14.7). */
  public boolean verifyFingerprint() {
    if (fingerprintOffset < 0) {
      return false;
    }
    return StunView.fingerprint(new CRC32(), new byte[2], bytes, 0, fingerprintOffset)
        == readInt(bytes, fingerprintOffset + 4);
  }

  private static void requireLength(Attribute a, int length, String name) throws StunFormatException {
    if (a.length() != length) {
      throw new StunFormatException(name + " must be " + length + " bytes, not " + a.length());
    }
  }
}
