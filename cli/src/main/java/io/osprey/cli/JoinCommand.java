package io.osprey.cli;

import io.osprey.protocol.livekit.LivekitModels.DisconnectReason;
import io.osprey.protocol.livekit.LivekitModels.TrackSource;
import io.osprey.protocol.livekit.LivekitModels.TrackType;
import io.osprey.sdk.media.h264.AnnexBReader;
import io.osprey.sdk.room.LocalTrack;
import io.osprey.sdk.room.LocalTrackPublication;
import io.osprey.sdk.room.RemoteParticipant;
import io.osprey.sdk.room.RemoteTrack;
import io.osprey.sdk.room.RemoteTrackPublication;
import io.osprey.sdk.room.Room;
import io.osprey.sdk.room.RoomException;
import io.osprey.sdk.room.RoomListener;
import io.osprey.sdk.room.RoomOptions;
import io.osprey.sdk.room.TrackRecorder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code osprey join}: joins a room as a participant, publishes media files (IVF VP8/VP9/AV1, Ogg
 * Opus, H.264 Annex-B), and records what others publish; until the files end (or forever with
 * {@code --loop}), {@code --duration}, or Ctrl-C.
 */
@Command(name = "join", description = "Join a room: publish media files, record the others.")
final class JoinCommand implements java.util.concurrent.Callable<Integer> {
  @Mixin ApiOptions api;
  @Spec CommandSpec spec;

  @Option(names = {"-r", "--room"}, required = true, description = "room name") String room;
  @Option(names = {"-i", "--identity"}, required = true, description = "participant identity") String identity;
  @Option(names = "--publish", description = "a file to publish (.ivf, .ogg/.opus, .h264); repeatable")
  List<Path> publish = new ArrayList<>();
  @Option(names = "--record", description = "a directory to record every subscribed VP8 and Opus track into")
  Path record;
  @Option(names = "--loop", description = "publish the files on a loop") boolean loop;
  @Option(names = "--fps", description = "frame rate of .h264 files (default 30)", defaultValue = "30") int fps;
  @Option(names = "--duration", description = "leave after this long, e.g. 30s or 5m (default: when the files end)")
  String duration;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<LocalTrack> tracks = new ArrayList<>();
    for (Path file : publish) {
      tracks.add(open(file));
    }
    if (record != null) {
      Files.createDirectories(record);
    }
    List<TrackRecorder> recorders = new CopyOnWriteArrayList<>();
    CompletableFuture<DisconnectReason> disconnected = new CompletableFuture<>();
    Room r;
    try {
      r = Room.connect(api.url(), api.apiKey(), api.apiSecret(), room, identity, RoomOptions.defaults(),
          listener(out, recorders, disconnected));
    } catch (RoomException e) {
      throw new CliException("cannot join " + room + ": " + e.getMessage());
    }
    Thread hook = new Thread(r::disconnect);
    Runtime.getRuntime().addShutdownHook(hook);
    try (Room joined = r) {
      out.printf("joined %s as %s (%d others here)%n", room, identity, joined.remoteParticipants().size());
      List<CompletableFuture<Void>> ends = new ArrayList<>();
      for (LocalTrack t : tracks) {
        LocalTrackPublication pub = joined.localParticipant().publishTrack(t).get(15, TimeUnit.SECONDS);
        out.printf("publishing %s as %s%n", t.mimeType(), pub.sid());
        ends.add(t.completion());
      }
      CompletableFuture<?> done = tracks.isEmpty() || loop ? new CompletableFuture<>()
          : CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
      CompletableFuture<?> stop = CompletableFuture.anyOf(done, disconnected);
      if (duration != null) {
        stop.get(Durations.parse(duration).toMillis(), TimeUnit.MILLISECONDS);
      } else {
        stop.get();
      }
    } catch (TimeoutException e) {
      // --duration is up
    } catch (ExecutionException e) {
      throw new CliException("publishing failed: " + e.getCause().getMessage());
    } finally {
      Runtime.getRuntime().removeShutdownHook(hook);
      for (TrackRecorder rec : recorders) {
        rec.close();
      }
    }
    for (LocalTrack t : tracks) {
      LocalTrack.Stats s = t.stats();
      out.printf("sent %s: %d samples, %d packets, %d bytes, %.3f s of media in %.3f s%n", t.mimeType(), s.samples(),
          s.packets(), s.bytes(), s.mediaDuration().toNanos() / 1e9, s.sendDuration().toNanos() / 1e9);
    }
    for (TrackRecorder rec : recorders) {
      out.printf("recorded %d frames%n", rec.frames());
    }
    return 0;
  }

  private LocalTrack open(Path file) throws IOException {
    if (!Files.isReadable(file)) {
      throw new CliException("cannot read " + file);
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean audio = name.endsWith(".ogg") || name.endsWith(".opus");
    LocalTrack.Options options = LocalTrack.Options.defaults().withLoop(loop).withName(file.getFileName().toString())
        .withSource(audio ? TrackSource.MICROPHONE : TrackSource.CAMERA);
    if (name.endsWith(".h264") || name.endsWith(".264")) {
      return LocalTrack.fromSource(AnnexBReader.open(file, fps, 1), options);
    }
    return LocalTrack.fromFile(file, options);
  }

  private RoomListener listener(PrintWriter out, List<TrackRecorder> recorders,
                                CompletableFuture<DisconnectReason> disconnected) {
    return new RoomListener() {
      @Override
      public void onParticipantConnected(RemoteParticipant p) {
        out.printf("%s joined%n", p.identity());
      }

      @Override
      public void onParticipantDisconnected(RemoteParticipant p) {
        out.printf("%s left%n", p.identity());
      }

      @Override
      public void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        out.printf("subscribed to %s's %s (%s)%n", p.identity(), track.mimeType(), track.sid());
        if (record == null) {
          return;
        }
        String ext = track.kind() == TrackType.AUDIO ? ".ogg" : ".ivf";
        Path file = record.resolve(p.identity() + "-" + track.sid() + ext);
        try {
          recorders.add(track.record(file));
          out.printf("recording to %s%n", file);
        } catch (IOException e) {
          out.printf("not recording %s: %s%n", track.sid(), e.getMessage());
        }
      }

      @Override
      public void onReconnecting() {
        out.println("connection lost, rejoining...");
      }

      @Override
      public void onReconnected() {
        out.println("rejoined");
      }

      @Override
      public void onDisconnected(DisconnectReason reason) {
        out.printf("disconnected: %s%n", reason);
        disconnected.complete(reason);
      }
    };
  }
}
