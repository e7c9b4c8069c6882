/**
 * DTLS 1.2 (RFC 6347) with the DTLS-SRTP extension (RFC 5764) on Bouncy Castle, behind a sans-IO
 * face: Bouncy Castle's protocol classes block by design, so each endpoint runs them on a virtual
 * thread fed from a bounded queue, and every input returns only once that thread is idle again, so
 * outputs are ready and tests are repeatable. Bouncy Castle keeps its own retransmission timers on
 * the real clock; {@link io.osprey.transport.dtls.DtlsEndpoint#nextDeadlineNanos} reports them.
 * Certificates are self-signed ECDSA P-256; the peer's is checked against the SDP fingerprint
 * (RFC 8122) during the handshake. Before any datagram reaches Bouncy Castle its record and
 * handshake headers are checked ({@link io.osprey.transport.dtls.DtlsRecordGuard}), closing
 * CVE-2026-59646 in Bouncy Castle 1.84.
 */
package io.osprey.transport.dtls;
