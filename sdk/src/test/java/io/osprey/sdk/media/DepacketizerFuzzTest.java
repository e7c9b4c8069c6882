package io.osprey.sdk.media;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.osprey.sdk.media.rtp.RtpDepacketizer;

/** Subscribed RTP payloads are network input: depacketizers may only fail with MediaFormatException. */
class DepacketizerFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void fuzz(FuzzedDataProvider data) {
    String mime = data.pickValue(new String[] {"video/VP8", "video/VP9", "video/AV1", "video/H264", "audio/opus"});
    RtpDepacketizer d = RtpDepacketizer.forMimeType(mime);
    int seq = data.consumeInt(0, 65535);
    while (data.remainingBytes() > 2) {
      boolean marker = data.consumeBoolean();
      boolean skip = data.consumeBoolean();
      byte[] payload = data.consumeBytes(data.consumeInt(0, 1500));
      try {
        byte[] frame = d.push(payload, skip ? seq + 2 : seq, marker);
        if (frame != null && frame.length > RtpDepacketizer.MAX_FRAME) {
          throw new AssertionError("frame over the bound: " + frame.length);
        }
      } catch (MediaFormatException expected) {
        // the one allowed failure
      }
      seq = (seq + 1) & 0xffff;
    }
  }
}
