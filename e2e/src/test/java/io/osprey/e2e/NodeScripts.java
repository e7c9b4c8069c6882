package io.osprey.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the interop scripts in {@code e2e/js} with the npm packages pinned there. */
public final class NodeScripts {
  private NodeScripts() {}

  /** The e2e/js directory (tests run with the module directory as working directory). */
  public static Path jsDir() {
    Path dir = Path.of("js").toAbsolutePath();
    if (!Files.isDirectory(dir.resolve("node_modules"))) {
      throw new IllegalStateException("e2e/js/node_modules is missing: run bin/test (or `npm ci` in e2e/js) first");
    }
    return dir;
  }

  /** Runs {@code node script args...} and returns its last stdout line. */
  public static String run(String script, long timeoutSeconds, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("node", jsDir().resolve(script).toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(jsDir().toFile()).redirectErrorStream(false).start();
    StringBuilder err = new StringBuilder();
    Thread drain = Thread.ofVirtual().start(() -> {
      try {
        err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // the process ended
      }
    });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(script + " timed out; stderr: " + err);
    }
    drain.join(1000);
    String[] lines = out.strip().split("\n");
    if (p.exitValue() != 0 || lines.length == 0) {
      throw new IOException(script + " exited " + p.exitValue() + "; stdout: " + out + "; stderr: " + err);
    }
    return lines[lines.length - 1];
  }

  /** A free TCP port on loopback. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
