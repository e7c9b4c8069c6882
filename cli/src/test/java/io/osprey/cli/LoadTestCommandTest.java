package io.osprey.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.osprey.protocol.json.ProtoJson;
import io.osprey.server.OspreyServer;
import io.osprey.server.config.ConfigLoader;
import io.osprey.server.config.ServerOptions;
import io.osprey.testkit.JanusProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code osprey load-test} at small scale, against an Osprey server in this JVM and against a real
 * Janus VideoRoom (the same tool through its Janus adapter): 5 publishers (3 video, 2 audio) and
 * 20 subscribers for 10 s on this host must deliver every track to every subscriber with no loss
 * once joined (the measurement starts in the steady state), and time the probes.
 */
class LoadTestCommandTest {

  @Test
  void fivePublishersTwentySubscribersTenSecondsNoLoss() throws Exception {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs("--dev", "--bind", "127.0.0.1", "--config-body", "port: 0\nrtc:\n  udp_port: 0\n  tcp_port: 0\n");
    try (OspreyServer server = OspreyServer.start(new ConfigLoader(k -> null).load(o).config(), InstantSource.system())) {
      String url = "http://127.0.0.1:" + server.httpAddresses().get(0).getPort();
      assertFiveByTwentyWithoutLoss("--url", url, "--api-key", "devkey", "--api-secret", "secret");
    }
  }

  @Test
  void fivePublishersTwentySubscribersTenSecondsNoLossOnJanus() throws Exception {
    try (JanusProcess janus = JanusProcess.start()) {
      assertFiveByTwentyWithoutLoss("--janus", janus.apiUrl().toString());
    }
  }

  private static void assertFiveByTwentyWithoutLoss(String... server) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new ArrayList<>(List.of("load-test"));
    args.addAll(List.of(server));
    args.addAll(List.of("--video-publishers", "3", "--audio-publishers", "2", "--subscribers", "20", "--duration", "10s",
        "--num-per-second", "20", "--video-resolution", "low", "--json"));
    int code = OspreyCli.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    System.out.println("load test: " + out + err);
    assertThat(code).as(err.toString()).isZero();
    Struct result;
    try {
      result = ProtoJson.parseObject(out.toString().strip());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + out, e);
    }
    Map<String, Value> r = result.getFieldsMap();
    assertThat(r.get("joined").getNumberValue()).isEqualTo(25);
    assertThat(r.get("tracksReceived").getNumberValue()).as("%s", result).isEqualTo(100);
    assertThat(r.get("lost").getNumberValue()).as("no loss on loopback: %s", result).isZero();
    // 20 subscribers x (3 video at 150 kbit/s, ~18 packets/s each, + 2 audio at 50 packets/s)
    assertThat(r.get("packetsPerSecond").getNumberValue()).as("%s", result).isGreaterThan(2000);
    assertThat(r.get("latencyP50Ms").getNumberValue()).as("%s", result).isBetween(0.0, 50.0);
  }
}
