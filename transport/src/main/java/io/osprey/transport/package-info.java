/** Sans-IO WebRTC engines (ICE, DTLS, SRTP, SCTP, RTP session) and, in {@code io}, their Netty adapters. */
package io.osprey.transport;
