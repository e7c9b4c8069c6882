package io.osprey.protocol.json;

/** JSON that is not valid, or does not fit the message it should describe. */
public class MalformedJsonException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedJsonException(String message) {
    super(message, null, false, false);
  }
}
