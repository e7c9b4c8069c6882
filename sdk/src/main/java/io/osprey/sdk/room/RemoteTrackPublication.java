package io.osprey.sdk.room;

import io.osprey.protocol.livekit.LivekitModels.TrackInfo;
import io.osprey.protocol.livekit.LivekitModels.VideoQuality;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.protocol.livekit.LivekitRtc.UpdateSubscription;
import io.osprey.protocol.livekit.LivekitRtc.UpdateTrackSettings;
import java.util.Optional;

/**
 * A track another participant publishes. Subscribing, the quality of a simulcast video and the
 * size we render it at are ours to ask for; the server decides what it forwards accordingly.
 */
public final class RemoteTrackPublication extends TrackPublication {
  private final Room room;
  private final RemoteParticipant participant;
  volatile RemoteTrack track;
  private volatile VideoQuality quality = VideoQuality.HIGH;
  private volatile int width;
  private volatile int height;
  private volatile boolean disabled;

  RemoteTrackPublication(TrackInfo info, Room room, RemoteParticipant participant) {
    super(info);
    this.room = room;
    this.participant = participant;
  }

  public RemoteParticipant participant() {
    return participant;
  }

  /** The track, while subscribed and its media section is negotiated. */
  public Optional<RemoteTrack> track() {
    return Optional.ofNullable(track);
  }

  public boolean subscribed() {
    return track != null;
  }

  /** Subscribes to this track or unsubscribes from it. */
  public void setSubscribed(boolean subscribed) {
    room.signal(SignalRequest.newBuilder().setSubscription(UpdateSubscription.newBuilder()
        .addTrackSids(sid()).setSubscribe(subscribed)).build());
  }

  /** Pauses (or resumes) the track's media without unsubscribing. */
  public void setEnabled(boolean enabled) {
    disabled = !enabled;
    sendSettings();
  }

  /** The simulcast layer to receive (video). */
  public void setVideoQuality(VideoQuality quality) {
    this.quality = quality;
    this.width = 0;
    this.height = 0;
    sendSettings();
  }

  /** The size the video is shown at: the server picks the layer that fits it. */
  public void setVideoDimensions(int width, int height) {
    this.width = width;
    this.height = height;
    sendSettings();
  }

  private void sendSettings() {
    UpdateTrackSettings.Builder settings = UpdateTrackSettings.newBuilder().addTrackSids(sid()).setDisabled(disabled);
    if (width > 0 && height > 0) {
      settings.setWidth(width).setHeight(height);
    } else {
      settings.setQuality(quality);
    }
    room.signal(SignalRequest.newBuilder().setTrackSetting(settings).build());
  }
}
