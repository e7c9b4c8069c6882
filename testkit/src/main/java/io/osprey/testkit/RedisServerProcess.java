package io.osprey.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code redis-server} for tests: its own process on 127.0.0.1 and a free port, no
 * persistence, stopped (or restarted on the same port) by the test. Never the machine's Redis on
 * 6379. Without the binary the test fails with a message saying how to install it.
 */
public final class RedisServerProcess implements AutoCloseable {
  private final Path binary;
  private final int port;
  private final List<String> extraArgs;
  private Process process;
  private Path sentinelConf;

  private RedisServerProcess(Path binary, int port, List<String> extraArgs) {
    this.binary = binary;
    this.port = port;
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** Starts redis-server on a free port. */
  public static RedisServerProcess start(String... extraArgs) throws IOException {
    RedisServerProcess redis = new RedisServerProcess(binary(), freePort(), List.of(extraArgs));
    redis.startProcess();
    return redis;
  }

  /** Starts a Sentinel (redis-server --sentinel) watching the master {@code name} on {@code masterPort}. */
  public static RedisServerProcess startSentinel(String name, int masterPort) throws IOException {
    int port = freePort();
    Path conf = Path.of("target", "sentinel-" + port + ".conf").toAbsolutePath();
    Files.createDirectories(conf.getParent());
    Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\nsentinel monitor " + name + " 127.0.0.1 " + masterPort
        + " 1\n");
    RedisServerProcess sentinel = new RedisServerProcess(binary(), port, List.of());
    sentinel.sentinelConf = conf;
    sentinel.startProcess();
    return sentinel;
  }

  /** The redis-server binary, or an error saying how to get one. */
  public static Path binary() {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin").split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, "redis-server");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError("redis-server is not installed: the multi-node tests need it"
        + " (apt-get install -y redis-server; bin/test installs it)");
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  /** {@code host:port}, as the {@code redis.address} key takes it. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  private void startProcess() throws IOException {
    Path log = Path.of("target", "redis-" + port + ".log");
    Files.createDirectories(log.getParent());
    List<String> command = new java.util.ArrayList<>();
    if (sentinelConf != null) {
      command.addAll(List.of(binary.toString(), sentinelConf.toString(), "--sentinel"));
    } else {
      command.addAll(List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no"));
    }
    command.addAll(extraArgs);
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!answersPing()) {
      if (System.nanoTime() > deadline) {
        stop();
        throw new IOException("redis-server on " + port + " did not answer PING within 10 s (log: " + log + ")");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for redis-server", e);
      }
    }
  }

  /** Stops the server at once (its data is gone: no persistence). */
  public void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** A fresh, empty server on the same port. */
  public void restart() throws IOException {
    stop();
    startProcess();
  }

  private boolean answersPing() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      String answer = new String(buf, 0, n, StandardCharsets.US_ASCII);
      return answer.startsWith("+PONG") || answer.startsWith("-NOAUTH"); // up, and asking for the password
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
