package io.osprey.sdk.media.rtp;

import java.util.ArrayList;
import java.util.List;

/** Splitting and joining H.264 Annex-B byte streams (ITU-T H.264 Annex B start codes). */
final class AnnexB {
  private AnnexB() {}

  /** The NAL units of an Annex-B buffer, without start codes. */
  static List<byte[]> split(byte[] stream) {
    List<byte[]> nals = new ArrayList<>();
    int start = -1;
    int i = 0;
    while (i + 2 < stream.length) {
      if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
        if (start >= 0) {
          nals.add(trim(stream, start, i));
        }
        i += 3;
        start = i;
      } else {
        i++;
      }
    }
    if (start >= 0 && start < stream.length) {
      nals.add(trim(stream, start, stream.length));
    } else if (start < 0 && stream.length > 0) {
      nals.add(stream.clone()); // a bare NAL unit without a start code
    }
    return nals;
  }

  private static byte[] trim(byte[] s, int from, int to) {
    while (to > from && s[to - 1] == 0) {
      to--; // the leading zero of a 4-byte start code, or trailing_zero_8bits
    }
    return java.util.Arrays.copyOfRange(s, from, to);
  }
}
