package io.osprey.transport.sctp;

/** What an {@link SctpAssociation} produced. */
public sealed interface SctpOutput {

  /** An SCTP packet to send (as DTLS application data). */
  record Transmit(byte[] packet) implements SctpOutput {}

  /** The association is established. */
  record Connected() implements SctpOutput {}

  /** A whole user message. */
  record Message(int streamId, long ppid, byte[] payload) implements SctpOutput {}

  /** A message was refused (larger than the bound): nothing of it is delivered. */
  record MessageDropped(int streamId, String reason) implements SctpOutput {}

  /** The association ended. */
  record Closed(String reason) implements SctpOutput {}
}
