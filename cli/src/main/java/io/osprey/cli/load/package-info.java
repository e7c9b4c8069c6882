/**
 * What {@code osprey load-test} measures, whichever server it drives: {@link io.osprey.cli.load.LoadTarget}
 * joins publishers and subscribers (a LiveKit-protocol server, or Janus's VideoRoom), and every
 * received track is counted by one {@link io.osprey.cli.load.TrackCounter} (packets, bytes, RTP
 * sequence gaps, and latency from the send-time probe of {@link io.osprey.sdk.media.SyntheticSource}
 * read from the first packet of each frame, RFC 7741 §4.2 for VP8).
 */
package io.osprey.cli.load;
