/** Bounded, preallocated per-track packet storage for retransmission (RFC 4585 NACK, RFC 4588 RTX). */
package io.osprey.sfu.buffer;
