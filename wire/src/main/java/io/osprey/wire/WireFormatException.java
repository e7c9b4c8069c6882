package io.osprey.wire;

/**
 * Bytes or text from the network that do not form a valid message of the format being parsed.
 *
 * <p>Every parser in {@code wire} reports malformed input with this type (or a subclass naming the
 * format), never with an unchecked exception, so a bad datagram can be dropped by the owning event
 * loop without harming anything else. It carries no stack trace: malformed input is expected, can
 * be sent at line rate by an attacker, and its cause is the message, not the call path.
 */
public class WireFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public WireFormatException(String message) {
    super(message, null, false, false);
  }

  public WireFormatException(String message, Throwable cause) {
    super(message, cause, false, true);
  }
}
