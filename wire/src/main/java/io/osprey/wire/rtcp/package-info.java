/**
 * RTCP (RFC 3550 §6) as a sealed family: sender and receiver reports with report blocks, SDES,
 * BYE, generic NACK and PLI/FIR (RFC 4585, RFC 5104), REMB (draft-alvestrand-rmcat-remb) and
 * transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01).
 */
package io.osprey.wire.rtcp;
