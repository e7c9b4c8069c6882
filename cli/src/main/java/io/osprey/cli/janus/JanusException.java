package io.osprey.cli.janus;

/** Janus refused a request, or answered something we cannot use. */
public final class JanusException extends RuntimeException {
  public JanusException(String message) {
    super(message);
  }
}
