package io.osprey.server.rtc;

import io.osprey.transport.session.SendSection;

/**
 * One published track as one subscriber receives it: the section of the subscriber's connection
 * it rides on (our SSRC there) and whether it is flowing. Confined to the media loop.
 */
final class DownTrack {
  final PublishedTrack track;
  final RtcParticipant subscriber;
  SendSection section;
  /** True once the subscriber applied an offer containing the section. */
  boolean negotiated;
  /** Paused by the subscriber (UpdateTrackSettings.disabled). */
  boolean disabled;
  long forwardedPackets;

  DownTrack(PublishedTrack track, RtcParticipant subscriber, SendSection section) {
    this.track = track;
    this.subscriber = subscriber;
    this.section = section;
  }

  boolean flowing() {
    return negotiated && !disabled && section.active();
  }
}
