package io.osprey.sdk.room;

/**
 * How a data packet travels: {@code RELIABLE} (ordered, retransmitted until delivered) or
 * {@code LOSSY} (unordered, never retransmitted: for what is stale when late).
 */
public enum DataKind {
  RELIABLE,
  LOSSY
}
