/**
 * Media routing on parsed packets, with no signalling and no sockets: per-track receive state
 * (retransmission cache, NACK generation), per-subscriber down track state (sequence number and
 * timestamp munging, layer selection), the stream allocator and active speaker detection.
 *
 * <p>Everything here is a plain state machine driven by packets and {@code nowNanos}; the owning
 * event loop calls it and nothing here blocks, allocates per packet or reads a clock.
 */
package io.osprey.sfu;
