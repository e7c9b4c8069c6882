package io.osprey.testkit;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

/**
 * A real Janus (Meetecho's WebRTC server, the Debian package {@code janus}) for tests and
 * benchmarks: its own process with a minimal configuration written to a fresh directory: only
 * the VideoRoom plugin and the HTTP transport (plain HTTP on 127.0.0.1 and a free port, no admin
 * API), no event handlers or loggers, IPv6 off, and ICE candidates on one address.
 *
 * <p>Janus never gathers candidates on a loopback interface (it skips every interface flagged
 * loopback when it lists the host's addresses), so its media address is this host's first
 * non-loopback IPv4 address, enforced with {@code ice_enforce_list}; traffic between two of the
 * host's own addresses is delivered inside the kernel, as loopback traffic is, and never reaches
 * the network. Without the binary the test fails with a message saying how to install it.
 */
public final class JanusProcess implements AutoCloseable {
  private static final Path INSTALLED_CONFIG = Path.of("/etc/janus/janus.jcfg");
  private final Path directory;
  private final int port;
  private final InetAddress mediaAddress;
  private Process process;

  private JanusProcess(Path directory, int port, InetAddress mediaAddress) {
    this.directory = directory;
    this.port = port;
    this.mediaAddress = mediaAddress;
  }

  /** Starts Janus on a free HTTP port and waits (up to 20 s) until its API answers. */
  public static JanusProcess start() throws IOException {
    Path binary = binary();
    Path dir = Files.createTempDirectory("janus-");
    JanusProcess janus = new JanusProcess(dir, RedisServerProcess.freePort(), mediaAddress());
    janus.configure();
    janus.launch(binary);
    return janus;
  }

  /** The janus binary, or an error saying how to get one. */
  public static Path binary() {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "janus"))) {
        return Path.of(dir, "janus");
      }
    }
    throw new AssertionError("janus is not installed: the Janus comparison tests need it"
        + " (apt-get install -y janus; bin/test installs it)");
  }

  /**
   * The address Janus's media use: the first non-loopback IPv4 address of an interface that is
   * up, the one Janus itself would gather on.
   */
  public static InetAddress mediaAddress() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
            return a;
          }
        }
      }
    } catch (SocketException e) {
      throw new AssertionError("cannot list this host's interfaces", e);
    }
    throw new AssertionError("no non-loopback IPv4 address: Janus gathers no candidates on loopback");
  }

  /** The HTTP API, e.g. {@code http://127.0.0.1:34567/janus}. */
  public URI apiUrl() {
    return URI.create("http://127.0.0.1:" + port + "/janus");
  }

  /** The running process (for its pid and CPU time). */
  public Process process() {
    return process;
  }

  /** Where the configuration and {@code janus.log} are. */
  public Path directory() {
    return directory;
  }

  private void configure() throws IOException {
    Path plugins = Files.createDirectories(directory.resolve("plugins"));
    Path transports = Files.createDirectories(directory.resolve("transports"));
    Path none = Files.createDirectories(directory.resolve("none"));
    // Janus loads every library in its plugin and transport folders: ours hold only the two we need
    Files.createSymbolicLink(plugins.resolve("libjanus_videoroom.so"),
        installedFolder("plugins_folder", "plugins").resolve("libjanus_videoroom.so"));
    Files.createSymbolicLink(transports.resolve("libjanus_http.so"),
        installedFolder("transports_folder", "transports").resolve("libjanus_http.so"));
    Files.writeString(directory.resolve("janus.jcfg"), """
        general: {
          configs_folder = "%s"
          plugins_folder = "%s"
          transports_folder = "%s"
          events_folder = "%s"
          loggers_folder = "%s"
          debug_level = 4
          session_timeout = 60
        }
        media: {
          ipv6 = false
        }
        nat: {
          ice_enforce_list = "%s"
          ignore_mdns = true
        }
        """.formatted(directory, plugins, transports, none, none, mediaAddress.getHostAddress()));
    Files.writeString(directory.resolve("janus.transport.http.jcfg"), """
        general: {
          json = "plain"
          base_path = "/janus"
          http = true
          port = %d
          ip = "127.0.0.1"
          https = false
        }
        admin: {
          admin_http = false
          admin_https = false
        }
        """.formatted(port));
    Files.writeString(directory.resolve("janus.plugin.videoroom.jcfg"), "general: {\n}\n");
  }

  /** A folder the package's own configuration names (Debian's multiarch library path), or its usual place. */
  private static Path installedFolder(String key, String name) throws IOException {
    if (Files.isReadable(INSTALLED_CONFIG)) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*" + key + "\\s*=\\s*\"([^\"]+)\"")
          .matcher(Files.readString(INSTALLED_CONFIG));
      if (m.find()) {
        return Path.of(m.group(1));
      }
    }
    return Path.of("/usr/lib/x86_64-linux-gnu/janus", name);
  }

  private void launch(Path binary) throws IOException {
    Path log = directory.resolve("janus.log");
    process = new ProcessBuilder(List.of(binary.toString(), "-C", directory.resolve("janus.jcfg").toString(),
        "-F", directory.toString())).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest info = HttpRequest.newBuilder(URI.create(apiUrl() + "/info")).timeout(Duration.ofSeconds(2)).GET().build();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        HttpResponse<String> r = http.send(info, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("janus.plugin.videoroom")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IOException("interrupted while waiting for janus", e);
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        close();
        throw new IOException("janus did not answer on " + apiUrl() + " within 20 s (log: " + log + ")");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IOException("interrupted while waiting for janus", e);
      }
    }
  }

  /** Stops Janus (SIGTERM, then SIGKILL after 5 s). The directory is left for its log. */
  @Override
  public void close() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    process = null;
  }
}
