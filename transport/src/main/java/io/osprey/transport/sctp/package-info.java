/**
 * SCTP over DTLS for WebRTC data channels (RFC 8261, RFC 8831), sans-IO: an association (RFC 9260
 * handshake with a stateless cookie, DATA/SACK, retransmission, a simple congestion window,
 * fragmentation and bounded reassembly) and data channels on it (DCEP, RFC 8832).
 */
package io.osprey.transport.sctp;
