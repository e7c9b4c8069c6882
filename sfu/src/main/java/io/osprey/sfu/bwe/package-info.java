/**
 * Send-side bandwidth estimation from transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01), after Google Congestion Control
 * (draft-ietf-rmcat-gcc-02): a delay-based estimate from the trend of one-way delay variation,
 * capped by a loss-based estimate.
 */
package io.osprey.sfu.bwe;
