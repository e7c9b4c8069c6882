/**
 * Per-stream RTP feedback state, each a small class driven by the session's packets and
 * {@code nowNanos} (no timers or threads of its own): receive statistics and report blocks
 * (RFC 3550 §6.4, Appendix A.3 and A.8), round-trip time from reports (RFC 3550 §6.4.1),
 * transport-wide congestion control recording on both ends
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01).
 */
package io.osprey.transport.rtpsession;
