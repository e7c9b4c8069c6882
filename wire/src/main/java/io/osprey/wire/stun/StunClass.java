package io.osprey.wire.stun;

/** The class of a STUN message (RFC 8489 §5): two bits spread over the message type. */
public enum StunClass {
  REQUEST(0b00),
  INDICATION(0b01),
  SUCCESS_RESPONSE(0b10),
  ERROR_RESPONSE(0b11);

  private static final StunClass[] BY_BITS = values(); // values() copies its array on every call

  private final int bits;

  StunClass(int bits) {
    this.bits = bits;
  }

  /** The class encoded in a message type. */
  public static StunClass fromType(int type) {
    int bits = ((type >> 7) & 0b10) | ((type >> 4) & 0b01);
    return BY_BITS[bits];
  }

  /** The 14-bit message type for {@code method} in this class (C1 at bit 8, C0 at bit 4). */
  public int type(int method) {
    return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2)
        | ((bits & 0b01) << 4) | ((bits & 0b10) << 7);
  }

  /** The method encoded in a message type. */
  public static int methodOf(int type) {
    return (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  }
}
