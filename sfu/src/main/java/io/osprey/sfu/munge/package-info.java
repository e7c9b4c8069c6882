/**
 * Per-subscriber rewriting of RTP sequence numbers and timestamps (RFC 3550 §5.1) across layer
 * switches, pauses and drops, and the outgoing-to-incoming map that answers NACKs (RFC 4585).
 */
package io.osprey.sfu.munge;
