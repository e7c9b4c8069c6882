/**
 * One peer connection's whole transport (the shape of str0m's {@code Rtc}): SDP offer/answer, the
 * ICE agent, DTLS, SRTP, RFC 7983 demultiplexing; datagrams and time in, {@link
 * io.osprey.transport.session.PeerOutput}s out. No sockets, no threads of its own.
 */
package io.osprey.transport.session;
