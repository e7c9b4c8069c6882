/**
 * The message authentication the wire formats share, keyed once and allocation-free per message:
 * HMAC-SHA1 (RFC 2104) for SRTP's auth tag (RFC 3711) and STUN's MESSAGE-INTEGRITY (RFC 8489).
 */
package io.osprey.wire.crypto;
