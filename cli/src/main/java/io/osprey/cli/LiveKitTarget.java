package io.osprey.cli;

import io.netty.channel.EventLoopGroup;
import io.osprey.cli.load.LoadTarget;
import io.osprey.cli.load.SubscriberMeter;
import io.osprey.cli.load.TrackCounter;
import io.osprey.protocol.auth.AccessToken;
import io.osprey.protocol.auth.VideoGrant;
import io.osprey.protocol.livekit.LivekitModels.TrackSource;
import io.osprey.sdk.media.SyntheticSource;
import io.osprey.sdk.room.LocalTrack;
import io.osprey.sdk.room.RemoteParticipant;
import io.osprey.sdk.room.RemoteTrack;
import io.osprey.sdk.room.RemoteTrackPublication;
import io.osprey.sdk.room.Room;
import io.osprey.sdk.room.RoomListener;
import io.osprey.sdk.room.RoomOptions;
import io.osprey.sdk.room.TrackSink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A LiveKit-protocol server (Osprey or livekit-server) under load: every participant is an SDK
 * {@link Room} with a token of its own; publishers publish one {@link LocalTrack}, subscribers
 * auto-subscribe and count each track's RTP.
 */
final class LiveKitTarget implements LoadTarget {
  /**
   * @param videoFile publish this IVF (looped) instead of synthetic video; null for synthetic
   * @param audioFile likewise for Ogg Opus
   */
  record Config(String url, String apiKey, String apiSecret, String room, long videoBitrate, Path videoFile,
                Path audioFile) {}

  private final Config config;
  private final RoomOptions publisherOptions;
  private final RoomOptions subscriberOptions;
  private final List<Room> rooms = new CopyOnWriteArrayList<>();

  LiveKitTarget(Config config, EventLoopGroup loops) {
    this.config = config;
    this.publisherOptions = RoomOptions.defaults().withAutoSubscribe(false).withLoops(loops).withMaxReconnects(0);
    this.subscriberOptions = RoomOptions.defaults().withLoops(loops).withMaxReconnects(0);
  }

  @Override
  public CompletableFuture<Void> joinPublisher(String identity, boolean video) {
    return Room.connectAsync(config.url(), token(identity), publisherOptions, new RoomListener() {})
        .thenCompose(room -> {
          rooms.add(room);
          try {
            return room.localParticipant().publishTrack(track(video)).thenApply(p -> null);
          } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
          }
        });
  }

  @Override
  public CompletableFuture<Void> joinSubscriber(String identity, SubscriberMeter meter) {
    RoomListener counting = new RoomListener() {
      @Override
      public void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        TrackCounter counter = meter.track(TrackCounter.Payload.forMimeType(track.mimeType()));
        track.addSink(new TrackSink() {
          @Override
          public void onRtp(byte[] packet) {
            counter.onRtp(packet, 0, packet.length, System.nanoTime());
          }

          @Override
          public boolean wantsFrames() {
            return false; // the probe is read from each frame's first packet
          }
        });
      }
    };
    return Room.connectAsync(config.url(), token(identity), subscriberOptions, counting).thenAccept(rooms::add);
  }

  @Override
  public void close() {
    for (Room r : rooms) {
      r.disconnect();
    }
  }

  private String token(String identity) {
    return new AccessToken(config.apiKey(), config.apiSecret()).identity(identity)
        .video(VideoGrant.builder().roomJoin(true).room(config.room()).build()).toJwt();
  }

  private LocalTrack track(boolean video) throws IOException {
    if (video) {
      LocalTrack.Options o = LocalTrack.Options.defaults().withSource(TrackSource.CAMERA).withLoop(true);
      return config.videoFile() != null ? LocalTrack.fromFile(config.videoFile(), o)
          : LocalTrack.fromSource(SyntheticSource.video(config.videoBitrate(), 30, 60), o.withSize(1280, 720));
    }
    LocalTrack.Options o = LocalTrack.Options.defaults().withSource(TrackSource.MICROPHONE).withLoop(true);
    return config.audioFile() != null ? LocalTrack.fromFile(config.audioFile(), o)
        : LocalTrack.fromSource(SyntheticSource.audio(32_000), o);
  }
}
