package io.osprey.sdk.room;

import io.osprey.protocol.livekit.LivekitModels.TrackInfo;

/** One of our tracks, published: its server-given sid and the track that feeds it. */
public final class LocalTrackPublication extends TrackPublication {
  private final LocalTrack track;

  LocalTrackPublication(TrackInfo info, LocalTrack track) {
    super(info);
    this.track = track;
  }

  public LocalTrack track() {
    return track;
  }
}
