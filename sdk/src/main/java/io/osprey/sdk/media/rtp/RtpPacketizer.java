package io.osprey.sdk.media.rtp;

import java.util.List;

/**
 * Splits one encoded sample into RTP payloads of at most a maximum size, with the codec's payload
 * format; the caller sets the marker bit on the last payload of a video frame (RFC 3550 §5.1).
 */
public interface RtpPacketizer {

  /** The payloads carrying {@code sample}, in order. */
  List<byte[]> packetize(byte[] sample, boolean keyFrame);

  /**
   * A packetizer for a codec.
   *
   * @param mimeType   e.g. {@code video/VP8}, {@code video/VP9}, {@code video/H264}, {@code video/AV1}, {@code audio/opus}
   * @param maxPayload the largest payload to produce (about 1200 minus header and SRTP overhead)
   * @param width      frame width, for VP9's scalability structure (0 if unknown)
   * @param height     frame height, likewise
   */
  static RtpPacketizer forMimeType(String mimeType, int maxPayload, int width, int height) {
    return switch (mimeType.toLowerCase(java.util.Locale.ROOT)) {
      case "video/vp8" -> new Vp8Packetizer(maxPayload);
      case "video/vp9" -> new Vp9Packetizer(maxPayload, width, height);
      case "video/h264" -> new H264Packetizer(maxPayload);
      case "video/av1" -> new Av1Packetizer(maxPayload);
      case "audio/opus", "audio/pcmu", "audio/pcma" -> (sample, key) -> List.of(sample);
      default -> throw new IllegalArgumentException("no RTP packetizer for " + mimeType);
    };
  }
}
