/** RTP sequence number arithmetic (RFC 3550 §A.1, RFC 1982 serial numbers). */
package io.osprey.sfu.seq;
