package io.osprey.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultLineTest {
  @Test
  void readsAFlatLineOfLoadtestSh() {
    ResultLine r = ResultLine.parse("{\"server\": \"janus:1\", \"load\": \"1v+0a -> 50\", \"subscribers\": 50, "
        + "\"usPerEgressPacket\": 13.16, \"latencyP99Ms\": null, \"note\": \"a \\\"quoted\\\" \\u00b5s\"}");
    assertThat(r.text("server")).isEqualTo("janus:1");
    assertThat(r.text("load")).isEqualTo("1v+0a -> 50");
    assertThat(r.number("subscribers")).isEqualTo(50.0);
    assertThat(r.number("usPerEgressPacket")).isEqualTo(13.16);
    assertThat(r.number("latencyP99Ms")).isNaN();
    assertThat(r.text("note")).isEqualTo("a \"quoted\" µs");
  }

  @Test
  void refusesNestedValues() {
    assertThatThrownBy(() -> ResultLine.parse("{\"a\": [1, 2]}")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void plotAveragesRoundsAndLeavesOutLossyRuns() {
    List<ResultLine> lines = List.of(
        ResultLine.parse("{\"server\":\"osprey\",\"videoPublishers\":1,\"audioPublishers\":0,\"subscribers\":50,"
            + "\"resolution\":\"high\",\"usPerEgressPacket\":10,\"lossPercent\":0}"),
        ResultLine.parse("{\"server\":\"osprey\",\"videoPublishers\":1,\"audioPublishers\":0,\"subscribers\":50,"
            + "\"resolution\":\"high\",\"usPerEgressPacket\":20,\"lossPercent\":0.5}"),
        ResultLine.parse("{\"server\":\"osprey\",\"videoPublishers\":1,\"audioPublishers\":0,\"subscribers\":100,"
            + "\"resolution\":\"high\",\"usPerEgressPacket\":5,\"lossPercent\":60}"));
    List<CpuPerPacketPlot.Point> points = CpuPerPacketPlot.points(lines);
    assertThat(points).hasSize(1);
    assertThat(points.get(0).mean()).isEqualTo(15.0);
    assertThat(points.get(0).label()).isEqualTo("1 video (high)");
  }
}
