package io.osprey.server.routing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps the lines written to {@code System.err} (where slf4j-simple logs in tests) while still
 * passing them on, so a test can check that a log line was written.
 */
final class LogCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  LogCapture() {
    System.setErr(new PrintStream(new OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public synchronized void write(int b) {
        original.write(b);
        if (b == '\n') {
          lines.add(line.toString(StandardCharsets.UTF_8));
          line.reset();
        } else {
          line.write(b);
        }
      }
    }, true, StandardCharsets.UTF_8));
  }

  /** Whether a line containing every fragment was logged. */
  boolean logged(String... fragments) {
    return lines.stream().anyMatch(l -> java.util.Arrays.stream(fragments).allMatch(l::contains));
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
