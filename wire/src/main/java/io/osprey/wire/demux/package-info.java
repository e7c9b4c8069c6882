/** Multiplexing of STUN, DTLS, SRTP and SRTCP on one port (RFC 7983, RFC 5761). */
package io.osprey.wire.demux;
