package io.osprey.wire.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SessionDescriptionTest {
  /** Shaped like what Chromium offers for a camera and a data channel. */
  static final String CHROME_OFFER = String.join("\r\n",
      "v=0",
      "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
      "s=-",
      "t=0 0",
      "a=group:BUNDLE 0 1",
      "a=extmap-allow-mixed",
      "a=msid-semantic: WMS stream-1",
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98",
      "c=IN IP4 0.0.0.0",
      "a=rtcp:9 IN IP4 0.0.0.0",
      "a=ice-ufrag:ASKL",
      "a=ice-pwd:v/9LqUrItEVxMbE5zSyr3bq1",
      "a=ice-options:trickle",
      "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
      "a=setup:actpass",
      "a=mid:0",
      "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
      "a=sendrecv",
      "a=msid:stream-1 track-1",
      "a=rtcp-mux",
      "a=rtcp-rsize",
      "a=rtpmap:96 VP8/90000",
      "a=rtcp-fb:96 nack",
      "a=rtcp-fb:96 nack pli",
      "a=rtpmap:97 rtx/90000",
      "a=fmtp:97 apt=96",
      "a=rtpmap:98 H264/90000",
      "a=fmtp:98 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
      "a=ssrc-group:FID 1111 2222",
      "a=ssrc:1111 cname:abc",
      "a=ssrc:2222 cname:abc",
      "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
      "c=IN IP4 0.0.0.0",
      "a=ice-ufrag:ASKL",
      "a=ice-pwd:v/9LqUrItEVxMbE5zSyr3bq1",
      "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
      "a=setup:actpass",
      "a=mid:1",
      "a=sctp-port:5000",
      "a=max-message-size:262144",
      "");

  @Test
  void parsesAChromeOfferAndWritesItBackExactly() throws SdpFormatException {
    SessionDescription sdp = SessionDescription.parse(CHROME_OFFER);
    assertThat(sdp.write()).isEqualTo(CHROME_OFFER);
    assertThat(sdp.attribute("group")).hasValue("BUNDLE 0 1");
    assertThat(sdp.media()).hasSize(2);
    MediaDescription video = sdp.media().get(0);
    assertThat(video.media()).isEqualTo("video");
    assertThat(video.formats()).containsExactly("96", "97", "98");
    assertThat(video.mid()).hasValue("0");
    assertThat(video.direction()).isEqualTo("sendrecv");
    assertThat(video.payloadType("vp8")).isEqualTo(96);
    assertThat(video.payloadType("H264")).isEqualTo(98);
    assertThat(video.payloadType("AV1")).isEqualTo(-1);
    assertThat(video.attributes("rtcp-fb")).containsExactly("96 nack", "96 nack pli");
    assertThat(sdp.attribute(video, "ice-ufrag")).hasValue("ASKL");
    assertThat(video.has("rtcp-mux")).isTrue();
    MediaDescription data = sdp.media().get(1);
    assertThat(data.proto()).isEqualTo("UDP/DTLS/SCTP");
    assertThat(data.attribute("sctp-port")).hasValue("5000");
  }

  @Test
  void acceptsBareLineFeedsAndTrailingBlankLines() throws SdpFormatException {
    SessionDescription sdp = SessionDescription.parse(CHROME_OFFER.replace("\r\n", "\n") + "\n\n");
    assertThat(sdp.write()).isEqualTo(CHROME_OFFER);
  }

  @Test
  void namesTheLineOfAnyStructuralError() throws SdpFormatException {
    assertThatThrownBy(() -> SessionDescription.parse("o=- 1 1 IN IP4 0.0.0.0\r\n")).hasMessageContaining("line 1")
        .hasMessageContaining("v=0");
    assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nnot a line\r\n")).hasMessageContaining("line 2");
    assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nm=video x UDP 96\r\n")).hasMessageContaining("bad port");
    assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nm=video 9\r\n")).hasMessageContaining("m= needs");
    assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nm=video 70000 UDP 96\r\n")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> SessionDescription.parse("")).isInstanceOf(SdpFormatException.class);
    // found by fuzzing: a value-less a=rtpmap was returned as null and broke payloadType()
    SessionDescription flags = SessionDescription.parse("v=0\r\nm=video 9 UDP 96\r\na=rtpmap\r\na=mid\r\n");
    assertThat(flags.media().get(0).payloadType("VP8")).isEqualTo(-1);
    assertThat(flags.media().get(0).attributes("rtpmap")).containsExactly("");
    // found by fuzzing in CI: a port of only "/" escaped as ArrayIndexOutOfBoundsException
    assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nm=video / UDP 96\r\n")).hasMessageContaining("bad port");
    assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nm=video -1 UDP 96\r\n")).hasMessageContaining("bad port");
    assertThatThrownBy(() -> SessionDescription.parse("v=0\r\na=x\r\nm=audio 9 UDP 0\r\nm=video / UDP 96\r\n"))
        .hasMessageContaining("line 4");
    // found by fuzzing: a lone CR inside a line used to escape as IllegalArgumentException
    assertThatThrownBy(() -> SessionDescription.parse("v=0\r\na=x\ry\r\n")).isInstanceOf(SdpFormatException.class)
        .hasMessageContaining("carriage return");
    assertThatThrownBy(() -> SessionDescription.parse("v=0\r\n" + "a=x\r\n".repeat(20_000)))
        .hasMessageContaining("longer than");
  }
}
