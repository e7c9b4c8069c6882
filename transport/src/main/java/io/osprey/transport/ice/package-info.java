/**
 * ICE (RFC 8445) for one data stream with one component (WebRTC's bundled, rtcp-muxed transport):
 * an ICE-lite agent for the server (§2.5: answers checks, follows nomination, watches consent)
 * and a full controlling agent for a client (checks, nomination, consent freshness RFC 7675).
 * Sans-IO: datagrams and {@code nowNanos} in, {@link io.osprey.transport.ice.IceOutput} polled out.
 */
package io.osprey.transport.ice;
