/**
 * STUN (RFC 8489, compatible with RFC 5389) as ICE (RFC 8445) uses it: message parsing with
 * structural validation, MESSAGE-INTEGRITY (HMAC-SHA1, §14.5) and FINGERPRINT (§14.7) checks,
 * the attributes ICE needs, and a builder. Two readers over one validation: {@link
 * io.osprey.wire.stun.StunView}, in place and allocation-free, for the connectivity checks an ICE
 * agent answers; {@link io.osprey.wire.stun.StunMessage}, a copying record-style parser for
 * everything else. Test vectors: RFC 5769.
 */
package io.osprey.wire.stun;
