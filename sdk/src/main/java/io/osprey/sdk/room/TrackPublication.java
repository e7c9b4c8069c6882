package io.osprey.sdk.room;

import io.osprey.protocol.livekit.LivekitModels.TrackInfo;
import io.osprey.protocol.livekit.LivekitModels.TrackSource;
import io.osprey.protocol.livekit.LivekitModels.TrackType;

/** A track published in the room, as the server announced it. */
public abstract sealed class TrackPublication permits LocalTrackPublication, RemoteTrackPublication {
  volatile TrackInfo info;

  TrackPublication(TrackInfo info) {
    this.info = info;
  }

  public String sid() {
    return info.getSid();
  }

  public String name() {
    return info.getName();
  }

  public TrackType kind() {
    return info.getType();
  }

  public TrackSource source() {
    return info.getSource();
  }

  /** e.g. {@code video/VP8}, {@code audio/opus}. */
  public String mimeType() {
    return info.getMimeType();
  }

  public boolean muted() {
    return info.getMuted();
  }

  public TrackInfo info() {
    return info;
  }
}
