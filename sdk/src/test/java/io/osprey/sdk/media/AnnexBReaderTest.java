package io.osprey.sdk.media;

import io.osprey.testkit.MediaFixtures;
import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.sdk.media.h264.AnnexBReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnexBReaderTest {
  @TempDir Path tmp;

  @Test
  void groupsNalUnitsIntoOneAccessUnitPerPicture() throws IOException {
    List<MediaSample> units = new ArrayList<>();
    try (AnnexBReader r = AnnexBReader.open(MediaFixtures.h264AnnexB(), 30, 1)) {
      assertThat(r.timebase()).isEqualTo(new Timebase(1, 30));
      for (MediaSample s; (s = r.next()) != null; ) {
        units.add(s);
      }
    }
    assertThat(units).hasSize(150);
    assertThat(units.stream().filter(MediaSample::keyFrame).map(MediaSample::pts)).containsExactly(0L, 60L, 120L);
    // The first access unit carries SPS (7), PPS (8) and the IDR slice (5), each behind a start code.
    byte[] first = units.get(0).data();
    assertThat(first).startsWith(0, 0, 0, 1, 0x67);
  }

  @Test
  void readsAStreamThatIsTheFileConcatenatedTwice() throws IOException {
    byte[] once = Files.readAllBytes(MediaFixtures.h264AnnexB());
    Path twice = tmp.resolve("twice.h264");
    byte[] both = new byte[once.length * 2];
    System.arraycopy(once, 0, both, 0, once.length);
    System.arraycopy(once, 0, both, once.length, once.length);
    Files.write(twice, both);
    int count = 0;
    try (AnnexBReader r = AnnexBReader.open(twice, 30000, 1001)) {
      MediaSample last = null;
      for (MediaSample s; (s = r.next()) != null; count++) {
        last = s;
      }
      assertThat(r.timebase().toNanos(last.pts())).isEqualTo(299L * 1001 * 1_000_000_000L / 30000);
    }
    assertThat(count).isEqualTo(300);
  }
}
