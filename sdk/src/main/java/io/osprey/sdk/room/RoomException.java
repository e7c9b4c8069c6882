package io.osprey.sdk.room;

/** A room could not be joined, or an operation on it failed; the message says which step and why. */
public class RoomException extends Exception {
  private static final long serialVersionUID = 1L;

  public RoomException(String message) {
    super(message);
  }

  public RoomException(String message, Throwable cause) {
    super(message, cause);
  }
}
