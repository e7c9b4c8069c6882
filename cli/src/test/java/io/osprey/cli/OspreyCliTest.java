package io.osprey.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.protocol.auth.KeyProvider;
import io.osprey.protocol.auth.TokenVerifier;
import io.osprey.protocol.auth.VerifiedToken;
import io.osprey.server.OspreyServer;
import io.osprey.server.config.ConfigLoader;
import io.osprey.server.config.ServerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OspreyCliTest {
  private static OspreyServer server;
  private static String url;

  private record Result(int code, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs("--dev", "--bind", "127.0.0.1", "--config-body", "port: 0\nrtc:\n  udp_port: 0\n  tcp_port: 0\n");
    server = OspreyServer.start(new ConfigLoader(k -> null).load(o).config(), InstantSource.system());
    url = "http://127.0.0.1:" + server.httpAddresses().get(0).getPort();
    OspreyCli.environment = Map.of("LIVEKIT_API_KEY", "devkey", "LIVEKIT_API_SECRET", "secret")::get;
  }

  @AfterAll
  static void stop() {
    server.close();
    OspreyCli.environment = System::getenv;
  }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OspreyCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void createsATokenWithTheAskedGrantsAndValidity() throws Exception {
    Result r = run("token", "create", "--identity", "alice", "--room", "r1", "--join", "--name", "Alice", "--valid-for", "1h30m");
    assertThat(r.code()).isZero();
    VerifiedToken t = new TokenVerifier(KeyProvider.of(Map.of("devkey", "secret")), InstantSource.system())
        .verify(r.out().strip());
    assertThat(t.grants().identity()).isEqualTo("alice");
    assertThat(t.grants().name()).isEqualTo("Alice");
    assertThat(t.grants().video().roomJoin()).isTrue();
    assertThat(t.grants().video().room()).isEqualTo("r1");
    assertThat(Duration.between(t.notBefore(), t.expiresAt())).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void managesRoomsAgainstAServer() {
    assertThat(run("room", "create", "cli-room", "--url", url, "--max-participants", "4").out()).contains("cli-room");
    assertThat(run("room", "list", "--url", url).out()).contains("cli-room");
    assertThat(run("participant", "list", "--room", "cli-room", "--url", url).out()).contains("no participants");
    assertThat(run("room", "delete", "cli-room", "--url", url).out()).contains("deleted cli-room");
    Result again = run("room", "delete", "cli-room", "--url", url);
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("not_found: requested room does not exist");
  }

  @Test
  void explainsBadKeysUnreachableServersAndMissingFlags() {
    Result badSecret = run("room", "list", "--url", url, "--api-secret", "nope");
    assertThat(badSecret.code()).isEqualTo(1);
    assertThat(badSecret.err()).contains("unauthorized").contains("--api-secret");
    Result down = run("room", "list", "--url", "http://127.0.0.1:9");
    assertThat(down.err()).contains("cannot reach http://127.0.0.1:9: connection refused");
    assertThat(run("token", "create", "--room", "r").err()).contains("choose at least one grant");
    assertThat(run("token", "create", "--join", "--room", "r").err()).contains("--identity is required");
    assertThat(run("token", "create", "--list", "--valid-for", "soon").err()).contains("invalid duration 'soon'");
  }

  /** One {@code osprey join} publishes two files while another records them into a directory. */
  @Test
  void joinPublishesFilesThatAnotherJoinRecords(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path ivf = io.osprey.testkit.MediaFixtures.vp8Ivf();
    java.nio.file.Path ogg = io.osprey.testkit.MediaFixtures.opusOgg();
    java.util.concurrent.CompletableFuture<Result> recorder = java.util.concurrent.CompletableFuture.supplyAsync(() ->
        run("join", "--url", url, "--room", "cli-media", "--identity", "recorder", "--record", dir.toString(),
            "--duration", "9s"));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        run("participant", "list", "--room", "cli-media", "--url", url).out().contains("recorder"));
    Result publisher = run("join", "--url", url, "--room", "cli-media", "--identity", "files",
        "--publish", ivf.toString(), "--publish", ogg.toString());
    assertThat(publisher.code()).as(publisher.err()).isZero();
    assertThat(publisher.out()).contains("publishing video/VP8").contains("publishing audio/opus")
        .contains("sent video/VP8: 150 samples");
    Result recorded = recorder.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(recorded.code()).as(recorded.err()).isZero();
    assertThat(recorded.out()).contains("files joined").contains("subscribed to files's video/VP8")
        .contains("recording to");
    try (var files = java.nio.file.Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("files-TR_") && n.endsWith(".ivf"))
          .anyMatch(n -> n.startsWith("files-TR_") && n.endsWith(".ogg"));
    }
  }

  @Test
  void joinSaysWhyItCannotJoin() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort(); // nothing listens there once closed
    }
    Result refused = run("join", "--url", "http://127.0.0.1:" + closed, "--room", "r", "--identity", "x");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("cannot join r").contains("connection refused");
    Result badSecret = run("join", "--url", url, "--api-secret", "wrong", "--room", "r", "--identity", "x");
    assertThat(badSecret.code()).isEqualTo(1);
    assertThat(badSecret.err()).contains("refused the token (401)");
  }
}
