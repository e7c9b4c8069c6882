/**
 * RTP (RFC 3550 §5.1) as a reusable flyweight over a byte array, with RFC 8285 header extensions
 * (one-byte and two-byte forms) found without allocating, and in-place rewriting of the fields an
 * SFU changes.
 */
package io.osprey.wire.rtp;
