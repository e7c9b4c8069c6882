package io.osprey.server.routing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An osprey-server in its own JVM (the test's class path, {@code --dev} on loopback, free ports),
 * so a test can kill it with SIGKILL: no shutdown hook, no cleanup, its Redis entry left to expire.
 */
final class NodeProcess implements AutoCloseable {
  private static final Pattern REGISTERED =
      Pattern.compile("routing: node (ND_\\w+) registered at (http://127\\.0\\.0\\.1:(\\d+))");

  private final Process process;
  private final Path log;
  private String nodeId;
  private int httpPort;

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts a node with {@code yaml} added to its config and waits until it has registered. */
  static NodeProcess start(String yaml) throws IOException {
    Path log = Files.createTempFile(Path.of("target"), "node-", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-cp", System.getProperty("java.class.path"),
        "io.osprey.server.OspreyServer", "--dev", "--bind", "127.0.0.1",
        "--config-body", "port: 0\nrtc:\n  udp_port: 0\n  tcp_port: 0\n" + yaml);
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
    NodeProcess node = new NodeProcess(p, log);
    await("node process registers").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(node::registered);
    return node;
  }

  private boolean registered() throws IOException {
    if (!process.isAlive()) {
      throw new AssertionError("node process exited: " + Files.readString(log));
    }
    Matcher m = REGISTERED.matcher(Files.readString(log));
    if (!m.find()) {
      return false;
    }
    nodeId = m.group(1);
    httpPort = Integer.parseInt(m.group(3));
    return true;
  }

  String nodeId() {
    return nodeId;
  }

  int httpPort() {
    return httpPort;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** SIGKILL: the node vanishes without a word. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
