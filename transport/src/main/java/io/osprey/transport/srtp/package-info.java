/**
 * SRTP and SRTCP (RFC 3711) with the profiles WebRTC negotiates in DTLS-SRTP (RFC 5764):
 * AES_CM_128_HMAC_SHA1_80/32 and AEAD_AES_128/256_GCM (RFC 7714). Keys come from the DTLS
 * exporter; packets are protected and unprotected in place, with no allocation per packet for any
 * profile (AES-GCM is our own, NIST SP 800-38D, over the JCE's AES). Replay protection
 * (RFC 3711 §3.3.2) is available and off by default, as in LiveKit.
 */
package io.osprey.transport.srtp;
