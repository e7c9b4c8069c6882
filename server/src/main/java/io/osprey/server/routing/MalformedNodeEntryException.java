package io.osprey.server.routing;

/** A registry entry (or a listing entry) in Redis that does not parse: it is skipped, never trusted. */
public final class MalformedNodeEntryException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedNodeEntryException(String message) {
    super(message, null, false, false);
  }
}
