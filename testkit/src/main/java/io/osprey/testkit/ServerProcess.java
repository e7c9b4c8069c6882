package io.osprey.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An osprey-server in its own JVM, as a cluster node: the test's class path (so the build under
 * test), {@code --dev} on loopback, free HTTP and RTC ports, the given YAML added to its config,
 * output in a log file under {@code target/}. A test ends it as an operator would: {@link #terminate}
 * sends SIGTERM (the shutdown hook drains), {@link #kill} SIGKILL (no hook, no cleanup, its Redis
 * entry left to expire). Started nodes are cluster nodes: {@link #start} waits for the line the
 * router logs when the node has registered in Redis.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern REGISTERED =
      Pattern.compile("routing: node (ND_\\w+) registered at (http://127\\.0\\.0\\.1:(\\d+))");
  private static final String MAIN = "io.osprey.server.OspreyServer";

  private final Process process;
  private final Path log;
  private String nodeId;
  private int httpPort;

  private ServerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts a node with {@code yaml} added to its config and waits (60 s at most) until it has registered. */
  public static ServerProcess start(String yaml) throws IOException {
    Path dir = Path.of("target");
    Files.createDirectories(dir);
    Path log = Files.createTempFile(dir, "node-", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), MAIN, "--dev", "--bind", "127.0.0.1",
        "--config-body", "port: 0\nrtc:\n  udp_port: 0\n  tcp_port: 0\n" + yaml));
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
    ServerProcess node = new ServerProcess(p, log);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!node.registered()) {
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IOException("node did not register within 60 s; log:\n" + node.log());
      }
      try {
        Thread.sleep(50); // polling its log, with a deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new IOException("interrupted while waiting for the node", e);
      }
    }
    return node;
  }

  private boolean registered() throws IOException {
    String text = log();
    if (!process.isAlive()) {
      throw new IOException("node process exited with " + process.exitValue() + ":\n" + text);
    }
    Matcher m = REGISTERED.matcher(text);
    if (!m.find()) {
      return false;
    }
    nodeId = m.group(1);
    httpPort = Integer.parseInt(m.group(3));
    return true;
  }

  /** Its node id ({@code ND_...}). */
  public String nodeId() {
    return nodeId;
  }

  public int httpPort() {
    return httpPort;
  }

  /** {@code http://127.0.0.1:port}: RoomService and the relay. */
  public String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** {@code ws://127.0.0.1:port}: where clients join. */
  public String wsUrl() {
    return "ws://127.0.0.1:" + httpPort;
  }

  /** Everything the node has logged so far. */
  public String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** Whether the node has logged a line containing {@code text}. */
  public boolean logged(String text) throws IOException {
    return log().contains(text);
  }

  public boolean alive() {
    return process.isAlive();
  }

  /**
   * SIGTERM, as an operator or orchestrator stops a node: the shutdown hook runs (a clustered node
   * drains). Waits for the process to exit and returns its exit status.
   *
   * @throws IOException if it has not exited within {@code within} (it is then killed)
   */
  public int terminate(Duration within) throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IOException("node " + nodeId + " did not exit within " + within + " of SIGTERM; log:\n" + log());
    }
    return process.exitValue();
  }

  /** SIGKILL: the node vanishes without a word. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
