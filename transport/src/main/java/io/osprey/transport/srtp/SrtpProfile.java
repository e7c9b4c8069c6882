package io.osprey.transport.srtp;

/** SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2) with their key, salt and tag sizes. */
public enum SrtpProfile {
  AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 10, false),
  AES_CM_128_HMAC_SHA1_32(0x0002, 16, 14, 4, false),
  AEAD_AES_128_GCM(0x0007, 16, 12, 16, true),
  AEAD_AES_256_GCM(0x0008, 32, 12, 16, true);

  private final int id;
  private final int keyLength;
  private final int saltLength;
  private final int tagLength;
  private final boolean aead;

  SrtpProfile(int id, int keyLength, int saltLength, int tagLength, boolean aead) {
    this.id = id;
    this.keyLength = keyLength;
    this.saltLength = saltLength;
    this.tagLength = tagLength;
    this.aead = aead;
  }

  /** The DTLS use_srtp protection profile id. */
  public int id() {
    return id;
  }

  public int keyLength() {
    return keyLength;
  }

  public int saltLength() {
    return saltLength;
  }

  /** Bytes appended to each SRTP packet. */
  public int tagLength() {
    return tagLength;
  }

  /** Bytes appended to each SRTCP packet: tag plus the 4-byte E||index (always an 80-bit tag for AES-CM). */
  public int rtcpOverhead() {
    return (aead ? 16 : 10) + 4;
  }

  public boolean aead() {
    return aead;
  }

  /** Bytes of keying material DTLS must export: both sides' keys and salts (RFC 5764 §4.2). */
  public int keyingMaterialLength() {
    return 2 * (keyLength + saltLength);
  }

  public static SrtpProfile fromId(int id) {
    for (SrtpProfile p : values()) {
      if (p.id == id) {
        return p;
      }
    }
    throw new IllegalArgumentException("unsupported SRTP profile 0x" + Integer.toHexString(id));
  }
}
