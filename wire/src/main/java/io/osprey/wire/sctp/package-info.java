/**
 * SCTP packets (RFC 9260 §3): the common header with its CRC32c checksum (Appendix A) and the
 * chunks WebRTC data channels use (RFC 8831): DATA, INIT, INIT ACK, SACK, HEARTBEAT and its ACK,
 * ABORT, SHUTDOWN family, COOKIE ECHO/ACK, FORWARD TSN (RFC 3758), RE-CONFIG (RFC 6525).
 */
package io.osprey.wire.sctp;
