package io.osprey.wire.stun;

/** STUN and ICE attribute types (RFC 8489 §18.3, RFC 8445 §16.1) and the Binding method. */
public final class StunAttributes {
  public static final int BINDING = 0x001;

  public static final int MAPPED_ADDRESS = 0x0001;
  public static final int USERNAME = 0x0006;
  public static final int MESSAGE_INTEGRITY = 0x0008;
  public static final int ERROR_CODE = 0x0009;
  public static final int UNKNOWN_ATTRIBUTES = 0x000A;
  public static final int REALM = 0x0014;
  public static final int NONCE = 0x0015;
  public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
  public static final int USERHASH = 0x001E;
  public static final int XOR_MAPPED_ADDRESS = 0x0020;
  public static final int PRIORITY = 0x0024;
  public static final int USE_CANDIDATE = 0x0025;
  public static final int SOFTWARE = 0x8022;
  public static final int FINGERPRINT = 0x8028;
  public static final int ICE_CONTROLLED = 0x8029;
  public static final int ICE_CONTROLLING = 0x802A;
  /** Chromium's network info attribute: comprehension-optional, ignored. */
  public static final int GOOG_NETWORK_INFO = 0xC057;

  /** The magic cookie (RFC 8489 §5). */
  public static final int MAGIC_COOKIE = 0x2112A442;
  /** XOR'd into FINGERPRINT's CRC-32 (RFC 8489 §14.7). */
  public static final int FINGERPRINT_XOR = 0x5354554E;

  private StunAttributes() {}

  /** Whether an unknown attribute of this type must be understood (0x0000-0x7FFF). */
  public static boolean comprehensionRequired(int type) {
    return type < 0x8000;
  }
}
