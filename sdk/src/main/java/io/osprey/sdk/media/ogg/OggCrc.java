package io.osprey.sdk.media.ogg;

/**
 * The CRC-32 of Ogg pages (RFC 3533 §6): polynomial 0x04C11DB7, initial value 0, no reflection,
 * no final XOR, computed over the whole page with the checksum field set to zero.
 */
final class OggCrc {
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int r = i << 24;
      for (int bit = 0; bit < 8; bit++) {
        r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
      }
      TABLE[i] = r;
    }
  }

  private OggCrc() {}

  static int compute(byte[] page, int offset, int length) {
    int crc = 0;
    for (int i = offset; i < offset + length; i++) {
      crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ page[i]) & 0xff];
    }
    return crc;
  }
}
