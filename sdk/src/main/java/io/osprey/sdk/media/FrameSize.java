package io.osprey.sdk.media;

import java.util.Locale;
import java.util.Optional;

/**
 * The picture size a key frame declares in its own bitstream: VP8's key frame header (RFC 6386
 * §9.1), VP9's uncompressed header (VP9 bitstream spec §6.2), AV1's sequence header (AV1 spec
 * §5.5, its maximum frame size). For a recording's header, which needs the size before the first
 * frame is written.
 */
public record FrameSize(int width, int height) {
  /** The size {@code keyFrame} declares, or empty if it declares none this can read. */
  public static Optional<FrameSize> of(String mimeType, byte[] keyFrame) {
    try {
      return switch (mimeType.toLowerCase(Locale.ROOT)) {
        case "video/vp8" -> vp8(keyFrame);
        case "video/vp9" -> vp9(new Bits(keyFrame, 0));
        case "video/av1" -> av1(keyFrame);
        default -> Optional.empty();
      };
    } catch (IndexOutOfBoundsException e) {
      return Optional.empty(); // cut short
    }
  }

  private static Optional<FrameSize> vp8(byte[] f) {
    if (f.length < 10 || (f[0] & 0x01) != 0) {
      return Optional.empty();
    }
    return Optional.of(new FrameSize(((f[7] & 0x3f) << 8) | (f[6] & 0xff), ((f[9] & 0x3f) << 8) | (f[8] & 0xff)));
  }

  private static Optional<FrameSize> vp9(Bits b) {
    if (b.read(2) != 2) { // frame_marker
      return Optional.empty();
    }
    int profile = b.read(1) | b.read(1) << 1;
    if (profile == 3) {
      b.read(1); // reserved_zero
    }
    if (b.read(1) == 1 || b.read(1) != 0) { // show_existing_frame, frame_type (0 = key frame)
      return Optional.empty();
    }
    b.read(2); // show_frame, error_resilient_mode
    if (b.read(24) != 0x498342) { // frame_sync_code
      return Optional.empty();
    }
    if (profile >= 2) {
      b.read(1); // ten_or_twelve_bit
    }
    int colorSpace = b.read(3);
    if (colorSpace != 7) { // not CS_RGB
      b.read(1); // color_range
      if (profile == 1 || profile == 3) {
        b.read(3); // subsampling_x, subsampling_y, reserved_zero
      }
    } else if (profile == 1 || profile == 3) {
      b.read(1); // reserved_zero
    }
    return Optional.of(new FrameSize(b.read(16) + 1, b.read(16) + 1));
  }

  /** The first OBU of the temporal unit that is a sequence header, read to its maximum frame size. */
  private static Optional<FrameSize> av1(byte[] tu) {
    int pos = 0;
    while (pos < tu.length) {
      int header = tu[pos] & 0xff;
      int type = (header >> 3) & 0x0f;
      if ((header & 0x02) == 0) {
        return Optional.empty(); // no size field: not the low-overhead form
      }
      pos += (header & 0x04) != 0 ? 2 : 1;
      long size = 0;
      for (int i = 0; i < 8; i++) {
        int v = tu[pos++] & 0xff;
        size |= (long) (v & 0x7f) << (7 * i);
        if ((v & 0x80) == 0) {
          break;
        }
      }
      if (type == 1) {
        return av1SequenceHeader(new Bits(tu, pos));
      }
      pos += (int) Math.min(size, tu.length);
    }
    return Optional.empty();
  }

  private static Optional<FrameSize> av1SequenceHeader(Bits b) {
    b.read(3); // seq_profile
    b.read(1); // still_picture
    if (b.read(1) == 1) { // reduced_still_picture_header
      b.read(5); // seq_level_idx[0]
    } else {
      boolean decoderModel = false;
      int bufferDelayLength = 0;
      if (b.read(1) == 1) { // timing_info_present_flag
        b.read(32); // num_units_in_display_tick
        b.read(32); // time_scale
        if (b.read(1) == 1) { // equal_picture_interval
          b.uvlc(); // num_ticks_per_picture_minus_1
        }
        decoderModel = b.read(1) == 1;
        if (decoderModel) {
          bufferDelayLength = b.read(5) + 1;
          b.read(32); // num_units_in_decoding_tick
          b.read(5); // buffer_removal_time_length_minus_1
          b.read(5); // frame_presentation_time_length_minus_1
        }
      }
      boolean initialDisplayDelay = b.read(1) == 1;
      int operatingPoints = b.read(5) + 1;
      for (int i = 0; i < operatingPoints; i++) {
        b.read(12); // operating_point_idc
        if (b.read(5) > 7) { // seq_level_idx
          b.read(1); // seq_tier
        }
        if (decoderModel && b.read(1) == 1) { // decoder_model_present_for_this_op
          b.read(bufferDelayLength); // decoder_buffer_delay
          b.read(bufferDelayLength); // encoder_buffer_delay
          b.read(1); // low_delay_mode_flag
        }
        if (initialDisplayDelay && b.read(1) == 1) {
          b.read(4); // initial_display_delay_minus_1
        }
      }
    }
    int widthBits = b.read(4) + 1;
    int heightBits = b.read(4) + 1;
    return Optional.of(new FrameSize(b.read(widthBits) + 1, b.read(heightBits) + 1));
  }

  /** Reads big-endian bit fields (at most 32 at a time). */
  private static final class Bits {
    private final byte[] data;
    private long bit;

    Bits(byte[] data, int offset) {
      this.data = data;
      this.bit = offset * 8L;
    }

    int read(int n) {
      long v = 0;
      for (int i = 0; i < n; i++, bit++) {
        v = v << 1 | ((data[(int) (bit >>> 3)] >> (7 - (bit & 7))) & 1);
      }
      return (int) v;
    }

    /** AV1's uvlc(): leading zeros, then that many bits. */
    long uvlc() {
      int zeros = 0;
      while (read(1) == 0) {
        if (++zeros == 32) {
          return (1L << 32) - 1;
        }
      }
      return read(zeros) + (1L << zeros) - 1;
    }
  }
}
