package io.osprey.sdk.media;

import io.osprey.testkit.MediaFixtures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.osprey.sdk.media.ogg.OggOpusReader;
import io.osprey.sdk.media.ogg.OggOpusWriter;
import io.osprey.sdk.media.ogg.OpusPacket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OggOpusTest {
  @TempDir Path tmp;

  @Test
  void timestampsPacketsByTheirDecodedDuration() throws IOException {
    try (OggOpusReader r = OggOpusReader.open(MediaFixtures.opusOgg())) {
      assertThat(r.channels()).isEqualTo(2);
      assertThat(r.timebase()).isEqualTo(new Timebase(1, 48_000));
      long previous = -960;
      int packets = 0;
      for (MediaSample s; (s = r.next()) != null; packets++) {
        assertThat(s.pts() - previous).isEqualTo(960); // 20 ms packets
        previous = s.pts();
      }
      // 5 s of audio plus the encoder's look-ahead padding: 250 or 251 packets.
      assertThat(packets).isBetween(250, 252);
      double seconds = (previous + 960) / 48_000.0;
      assertThat(seconds).isCloseTo(5.0, within(0.05));
    }
  }

  @Test
  void recordsAFileFfprobeReadsWithTheSameDuration() throws IOException {
    Path copy = tmp.resolve("copy.ogg");
    try (OggOpusReader r = OggOpusReader.open(MediaFixtures.opusOgg()); OggOpusWriter w = OggOpusWriter.create(copy, 2)) {
      for (MediaSample s; (s = r.next()) != null; ) {
        w.write(s.data());
      }
    }
    String probe = MediaFixtures.ffprobe(copy, "-show_entries", "stream=codec_name,channels:format=duration");
    assertThat(probe).contains("\"codec_name\": \"opus\"").contains("\"channels\": 2");
    double duration = Double.parseDouble(probe.replaceAll("(?s).*\"duration\": \"([0-9.]+)\".*", "$1"));
    assertThat(duration).isCloseTo(5.0, within(0.05));
    try (OggOpusReader again = OggOpusReader.open(copy)) {
      assertThat(again.next()).isNotNull();
    }
  }

  @Test
  void rejectsAPageWithABadChecksum() throws IOException {
    byte[] file = Files.readAllBytes(MediaFixtures.opusOgg());
    file[file.length - 10] ^= 0x55;
    Path bad = tmp.resolve("bad.ogg");
    Files.write(bad, file);
    assertThatThrownBy(() -> {
      try (OggOpusReader r = OggOpusReader.open(bad)) {
        while (r.next() != null) {
          // read to the damaged page
        }
      }
    }).isInstanceOf(MediaFormatException.class).hasMessageContaining("checksum");
  }

  @Test
  void computesOpusDurationsFromTheTocByte() throws MediaFormatException {
    assertThat(OpusPacket.samples(new byte[] {(byte) (31 << 3)})).isEqualTo(960);    // CELT FB 20 ms, 1 frame
    assertThat(OpusPacket.samples(new byte[] {(byte) (16 << 3 | 1)})).isEqualTo(240); // CELT 2.5 ms x 2
    assertThat(OpusPacket.samples(new byte[] {(byte) (3 << 3 | 3), 2})).isEqualTo(5760); // SILK 60 ms x 2
    assertThatThrownBy(() -> OpusPacket.samples(new byte[] {(byte) (3 << 3 | 3), 3}))
        .isInstanceOf(MediaFormatException.class).hasMessageContaining("120 ms");
    assertThatThrownBy(() -> OpusPacket.samples(new byte[0])).isInstanceOf(MediaFormatException.class);
  }
}
