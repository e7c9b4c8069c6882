/** The Data Channel Establishment Protocol (RFC 8832) and WebRTC's SCTP payload identifiers (RFC 8831 §8). */
package io.osprey.wire.dcep;
