package io.osprey.sdk.media;

import io.osprey.testkit.MediaFixtures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.osprey.sdk.media.ivf.IvfReader;
import io.osprey.sdk.media.ivf.IvfWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IvfTest {
  @TempDir Path tmp;

  private static List<MediaSample> readAll(SampleSource source) throws IOException {
    List<MediaSample> all = new ArrayList<>();
    for (MediaSample s; (s = source.next()) != null; ) {
      all.add(s);
    }
    return all;
  }

  @Test
  void readsEveryVp8FrameWithItsTimestampAndKeyFrames() throws IOException {
    try (IvfReader r = IvfReader.open(MediaFixtures.vp8Ivf())) {
      assertThat(r.mimeType()).isEqualTo("video/VP8");
      assertThat(r.header().width()).isEqualTo(640);
      assertThat(r.timebase()).isEqualTo(new Timebase(1, 30));
      List<MediaSample> frames = readAll(r);
      assertThat(frames).hasSize(150);
      assertThat(frames).extracting(MediaSample::pts).containsExactlyElementsOf(
          java.util.stream.LongStream.range(0, 150).boxed().toList());
      assertThat(frames.stream().filter(MediaSample::keyFrame).map(MediaSample::pts)).containsExactly(0L, 60L, 120L);
    }
  }

  @Test
  void detectsVp9KeyFrames() throws IOException {
    try (IvfReader r = IvfReader.open(MediaFixtures.vp9Ivf())) {
      assertThat(r.mimeType()).isEqualTo("video/VP9");
      List<MediaSample> frames = readAll(r);
      assertThat(frames).hasSize(150);
      assertThat(frames.stream().filter(MediaSample::keyFrame).map(MediaSample::pts)).containsExactly(0L, 60L, 120L);
    }
  }

  @Test
  void rewindsForLooping() throws IOException {
    try (IvfReader r = IvfReader.open(MediaFixtures.vp8Ivf())) {
      readAll(r);
      r.rewind();
      assertThat(r.next().pts()).isZero();
    }
  }

  @Test
  void writesAFileFfprobeReadsBack() throws IOException {
    Path copy = tmp.resolve("copy.ivf");
    try (IvfReader r = IvfReader.open(MediaFixtures.vp8Ivf());
         IvfWriter w = IvfWriter.create(copy, "video/VP8", 640, 360, r.timebase())) {
      for (MediaSample s; (s = r.next()) != null; ) {
        w.write(s.data(), s.pts());
      }
    }
    String probe = MediaFixtures.ffprobe(copy, "-count_frames", "-select_streams", "v:0",
        "-show_entries", "stream=codec_name,nb_read_frames,width,height");
    assertThat(probe).contains("\"codec_name\": \"vp8\"").contains("\"nb_read_frames\": \"150\"")
        .contains("\"width\": 640");
    try (IvfReader again = IvfReader.open(copy)) {
      assertThat(again.header().frameCount()).isEqualTo(150);
    }
  }

  @Test
  void rejectsFilesThatAreNotIvf() throws IOException {
    Path bad = tmp.resolve("bad.ivf");
    Files.write(bad, new byte[40]);
    assertThatThrownBy(() -> IvfReader.open(bad)).isInstanceOf(MediaFormatException.class).hasMessageContaining("DKIF");
  }

  @Test
  void refusesAFrameLargerThanTheLimitAndReportsTruncation() throws IOException {
    byte[] file = Files.readAllBytes(MediaFixtures.vp8Ivf());
    Path huge = tmp.resolve("huge.ivf");
    byte[] copy = file.clone();
    copy[32] = copy[33] = copy[34] = (byte) 0xff;
    copy[35] = 0x7f;
    Files.write(huge, copy);
    try (IvfReader r = IvfReader.open(huge)) {
      assertThatThrownBy(r::next).isInstanceOf(MediaFormatException.class).hasMessageContaining("exceeds the limit");
    }
    Path cut = tmp.resolve("cut.ivf");
    Files.write(cut, java.util.Arrays.copyOf(file, 32 + 12 + 10));
    try (IvfReader r = IvfReader.open(cut)) {
      assertThatThrownBy(r::next).isInstanceOf(MediaFormatException.class).hasMessageContaining("truncated");
    }
  }
}
