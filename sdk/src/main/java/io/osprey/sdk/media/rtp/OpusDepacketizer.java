package io.osprey.sdk.media.rtp;

import java.io.ByteArrayOutputStream;

/** Opus packets from RFC 7587 payloads: each payload is one whole packet. */
final class OpusDepacketizer extends RtpDepacketizer {
  @Override
  protected boolean isFrameStart(byte[] payload, boolean building) {
    return payload.length > 0;
  }

  @Override
  protected void append(byte[] payload, ByteArrayOutputStream frame) {
    frame.writeBytes(payload);
  }

  @Override
  protected boolean endsFrame(byte[] payload) {
    return true;
  }
}
