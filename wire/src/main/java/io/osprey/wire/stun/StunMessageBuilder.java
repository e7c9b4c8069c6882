package io.osprey.wire.stun;

import io.osprey.wire.crypto.HmacSha1;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Builds a STUN message (RFC 8489 §5, §14): header, attributes padded to 4 bytes, then optionally
 * MESSAGE-INTEGRITY and FINGERPRINT computed over what precedes them.
 *
 * <pre>{@code
 * byte[] response = new StunMessageBuilder(StunClass.SUCCESS_RESPONSE, StunAttributes.BINDING, request.transactionId())
 *     .xorMappedAddress(remote)
 *     .build(localPassword, true);
 * }</pre>
 */
public final class StunMessageBuilder {
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private final int type;
  private final byte[] transactionId;
  private byte padding;

  public StunMessageBuilder(StunClass cls, int method, byte[] transactionId) {
    if (transactionId.length != 12) {
      throw new IllegalArgumentException("transaction id must be 12 bytes");
    }
    this.type = cls.type(method);
    this.transactionId = transactionId.clone();
  }

  /** The byte used to pad attribute values (0 by default; RFC 5769's vectors use 0x20). */
  public StunMessageBuilder padding(byte value) {
    this.padding = value;
    return this;
  }

  public StunMessageBuilder attribute(int attrType, byte[] value) {
    body.write(attrType >> 8);
    body.write(attrType);
    body.write(value.length >> 8);
    body.write(value.length);
    body.writeBytes(value);
    for (int i = value.length; (i & 3) != 0; i++) {
      body.write(padding);
    }
    return this;
  }

  public StunMessageBuilder username(String username) {
    return attribute(StunAttributes.USERNAME, username.getBytes(StandardCharsets.UTF_8));
  }

  public StunMessageBuilder software(String software) {
    return attribute(StunAttributes.SOFTWARE, software.getBytes(StandardCharsets.UTF_8));
  }

  public StunMessageBuilder priority(long priority) {
    return attribute(StunAttributes.PRIORITY, int32((int) priority));
  }

  public StunMessageBuilder useCandidate() {
    return attribute(StunAttributes.USE_CANDIDATE, new byte[0]);
  }

  public StunMessageBuilder iceControlling(long tieBreaker) {
    return attribute(StunAttributes.ICE_CONTROLLING, int64(tieBreaker));
  }

  public StunMessageBuilder iceControlled(long tieBreaker) {
    return attribute(StunAttributes.ICE_CONTROLLED, int64(tieBreaker));
  }

  /** XOR-MAPPED-ADDRESS (§14.2) of {@code address}. */
  public StunMessageBuilder xorMappedAddress(InetSocketAddress address) {
    byte[] ip = address.getAddress().getAddress();
    byte[] v = new byte[4 + ip.length];
    v[1] = (byte) (address.getAddress() instanceof Inet4Address ? 1 : 2);
    int port = address.getPort() ^ (StunAttributes.MAGIC_COOKIE >>> 16);
    v[2] = (byte) (port >> 8);
    v[3] = (byte) port;
    byte[] mask = header(0);
    for (int i = 0; i < ip.length; i++) {
      v[4 + i] = (byte) (ip[i] ^ mask[4 + i]);
    }
    return attribute(StunAttributes.XOR_MAPPED_ADDRESS, v);
  }

  /** ERROR-CODE (§14.8), e.g. 401 "Unauthorized", 487 "Role Conflict". */
  public StunMessageBuilder errorCode(int code, String reason) {
    if (code < 300 || code > 699) {
      throw new IllegalArgumentException("error code must be 300-699: " + code);
    }
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    byte[] v = new byte[4 + text.length];
    v[2] = (byte) (code / 100);
    v[3] = (byte) (code % 100);
    System.arraycopy(text, 0, v, 4, text.length);
    return attribute(StunAttributes.ERROR_CODE, v);
  }

  /**
   * The message bytes.
   *
   * @param integrityKey short-term key (the ICE password) for MESSAGE-INTEGRITY, or null for none
   * @param fingerprint  whether to end with FINGERPRINT
   */
  public byte[] build(byte[] integrityKey, boolean fingerprint) {
    return build(integrityKey == null ? null : new HmacSha1(integrityKey), fingerprint);
  }

  /** The message bytes without MESSAGE-INTEGRITY (an unauthenticated error response, say). */
  public byte[] build(boolean fingerprint) {
    return build((HmacSha1) null, fingerprint);
  }

  /**
   * The message bytes, with MESSAGE-INTEGRITY from an HMAC already keyed with the short-term
   * password (an ICE agent keys one per credential), or none if {@code integrity} is null.
   */
  public byte[] build(HmacSha1 integrity, boolean fingerprint) {
    byte[] attrs = body.toByteArray();
    int length = attrs.length + (integrity != null ? 24 : 0) + (fingerprint ? 8 : 0);
    byte[] msg = Arrays.copyOf(header(length), 20 + length);
    System.arraycopy(attrs, 0, msg, 20, attrs.length);
    int pos = 20 + attrs.length;
    byte[] lengthField = new byte[2];
    if (integrity != null) {
      StunView.integrity(integrity, lengthField, msg, 0, pos, msg, pos + 4);
      writeAttributeHeader(msg, pos, StunAttributes.MESSAGE_INTEGRITY, 20);
      pos += 24;
    }
    if (fingerprint) {
      int crc = StunView.fingerprint(new CRC32(), lengthField, msg, 0, pos);
      writeAttributeHeader(msg, pos, StunAttributes.FINGERPRINT, 4);
      System.arraycopy(int32(crc), 0, msg, pos + 4, 4);
    }
    return msg;
  }

  private byte[] header(int length) {
    byte[] h = new byte[20];
    h[0] = (byte) (type >> 8);
    h[1] = (byte) type;
    h[2] = (byte) (length >> 8);
    h[3] = (byte) length;
    System.arraycopy(int32(StunAttributes.MAGIC_COOKIE), 0, h, 4, 4);
    System.arraycopy(transactionId, 0, h, 8, 12);
    return h;
  }

  private static void writeAttributeHeader(byte[] msg, int pos, int attrType, int length) {
    msg[pos] = (byte) (attrType >> 8);
    msg[pos + 1] = (byte) attrType;
    msg[pos + 2] = (byte) (length >> 8);
    msg[pos + 3] = (byte) length;
  }

  private static byte[] int32(int v) {
    return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
  }

  private static byte[] int64(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >> (56 - 8 * i));
    }
    return b;
  }
}
