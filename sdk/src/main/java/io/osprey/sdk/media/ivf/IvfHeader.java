package io.osprey.sdk.media.ivf;

import io.osprey.sdk.media.Timebase;

/**
 * The 32-byte IVF file header: codec FourCC ({@code VP80}, {@code VP90}, {@code AV01}), frame
 * size, timebase and frame count (which writers often leave 0 or stale).
 */
public record IvfHeader(String fourCc, int width, int height, Timebase timebase, long frameCount) {
  /** The size of the header on disk. */
  public static final int SIZE = 32;

  public IvfHeader {
    if (fourCc == null || fourCc.length() != 4) {
      throw new IllegalArgumentException("FourCC must have 4 characters: " + fourCc);
    }
  }

  /** The MIME type of the codec named by the FourCC, or {@code null} if unknown. */
  public String mimeType() {
    return switch (fourCc) {
      case "VP80" -> "video/VP8";
      case "VP90" -> "video/VP9";
      case "AV01" -> "video/AV1";
      default -> null;
    };
  }

  /** The FourCC for a MIME type this format carries. */
  public static String fourCcOf(String mimeType) {
    return switch (mimeType.toLowerCase(java.util.Locale.ROOT)) {
      case "video/vp8" -> "VP80";
      case "video/vp9" -> "VP90";
      case "video/av1" -> "AV01";
      default -> throw new IllegalArgumentException("IVF cannot carry " + mimeType);
    };
  }
}
