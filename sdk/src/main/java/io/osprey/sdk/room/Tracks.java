package io.osprey.sdk.room;

import io.netty.channel.EventLoop;
import io.osprey.protocol.livekit.LivekitModels.TrackType;
import io.osprey.protocol.livekit.LivekitRtc;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.transport.session.RemoteSection;
import io.osprey.transport.session.RtpCodec;
import io.osprey.wire.rtcp.RtcpPacket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The room's media: the tracks we publish (announced, given a section, paced by their senders,
 * republished after a rejoin) and the tracks we receive (matched to the sections the server sends
 * on, announced, fed their packets). Lives on the room's loop, on whatever connection the room
 * has at the moment ({@link Room#engine()}).
 */
final class Tracks {
  private static final System.Logger log = System.getLogger(Tracks.class.getName());
  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

  private record Pending(LocalTrack track, CompletableFuture<LocalTrackPublication> future, String cid) {}

  /** One published track: its sender, and its section on the current connection. */
  private static final class Published {
    final LocalTrackPublication publication;
    final TrackSender sender;
    final String cid;
    final long ssrc = (new SecureRandom().nextInt() & 0x7fffffffL) | 1;
    String mid;
    boolean bound;

    Published(LocalTrackPublication publication, TrackSender sender, String cid) {
      this.publication = publication;
      this.sender = sender;
      this.cid = cid;
    }
  }

  private final Room room;
  private final Roster roster;
  private final RoomListener listener;
  private final EventLoop loop;
  private final Map<String, Pending> pendingPublishes = new HashMap<>();
  private final Map<String, Published> published = new LinkedHashMap<>();
  private final Map<String, RemoteTrack> subscribedByMid = new HashMap<>();
  private final Map<Long, RemoteTrack> subscribedBySsrc = new HashMap<>();
  private final Map<String, String> midToTrack = new HashMap<>();

  Tracks(Room room, Roster roster, RoomListener listener, EventLoop loop) {
    this.room = room;
    this.roster = roster;
    this.listener = listener;
    this.loop = loop;
  }

  private RtcEngine engine() {
    return room.engine();
  }

  /** An answer was applied: senders get their payload types, received sections their tracks. */
  void negotiated(Map<String, String> midToTrackSid) {
    midToTrack.putAll(midToTrackSid);
    bindSenders();
    bindReceivers();
  }

  /** After a rejoin: the server forgot our tracks with our old session, so they are announced again. */
  void republish() {
    for (Published p : published.values()) {
      room.signal(addTrack(p.publication.track(), p.cid));
    }
  }

  /** The connection is gone: senders wait for a new section, received tracks end. */
  void detach() {
    for (Published p : published.values()) {
      p.sender.bind(null, p.ssrc, -1, 0);
      p.bound = false;
      p.mid = null;
    }
    for (String mid : new ArrayList<>(subscribedByMid.keySet())) {
      unsubscribe(mid);
    }
    midToTrack.clear();
  }

  /** The room is over: senders stop, publications still waiting fail. */
  void stopAll() {
    for (Published p : published.values()) {
      p.sender.stop();
    }
    for (Pending p : pendingPublishes.values()) {
      p.future.completeExceptionally(new RoomException("the room was left before the track was published"));
    }
    pendingPublishes.clear();
  }

  /** Track {@code trackSid} is no longer published: its subscription ends. */
  void trackGone(String trackSid) {
    for (Map.Entry<String, RemoteTrack> e : new ArrayList<>(subscribedByMid.entrySet())) {
      if (e.getValue().sid().equals(trackSid)) {
        unsubscribe(e.getKey());
      }
    }
  }

  /** The server muted (or unmuted) one of our tracks: it stops (or resumes) sending, and we acknowledge. */
  void onMuteRequest(LivekitRtc.MuteTrackRequest mute) {
    for (Published p : published.values()) {
      if (p.publication.sid().equals(mute.getSid())) {
        p.sender.setMuted(mute.getMuted());
        p.publication.info = p.publication.info.toBuilder().setMuted(mute.getMuted()).build();
        room.signal(SignalRequest.newBuilder().setMute(mute).build()); // acknowledged as livekit clients do
        if (mute.getMuted()) {
          listener.onTrackMuted(p.publication, room.localParticipant());
        } else {
          listener.onTrackUnmuted(p.publication, room.localParticipant());
        }
      }
    }
  }



  CompletableFuture<LocalTrackPublication> publish(LocalTrack track) {
    CompletableFuture<LocalTrackPublication> future = new CompletableFuture<>();
    if (RtpCodec.forMimeType(track.mimeType()).isEmpty()) {
      future.completeExceptionally(new RoomException("cannot publish " + track.mimeType()));
      return future;
    }
    loop.execute(() -> {
      if (room.state() != Room.State.CONNECTED) {
        future.completeExceptionally(new RoomException("the room is " + room.state()));
        return;
      }
      String cid = "TR_" + UUID.randomUUID();
      pendingPublishes.put(cid, new Pending(track, future, cid));
      room.signal(addTrack(track, cid));
      loop.schedule(() -> {
        if (pendingPublishes.remove(cid) != null) {
          future.completeExceptionally(new RoomException("the server did not publish the track within "
              + PUBLISH_TIMEOUT.toSeconds() + " s"));
        }
      }, PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    });
    return future;
  }

  private static SignalRequest addTrack(LocalTrack track, String cid) {
    LivekitRtc.AddTrackRequest.Builder add = LivekitRtc.AddTrackRequest.newBuilder().setCid(cid)
        .setName(track.options().name()).setType(track.kind()).setSource(track.options().source());
    if (track.kind() == TrackType.VIDEO) {
      add.setWidth(track.options().width()).setHeight(track.options().height());
      String codec = track.mimeType().substring(track.mimeType().indexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
      add.addSimulcastCodecs(LivekitRtc.SimulcastCodec.newBuilder().setCodec(codec).setCid(cid));
    }
    return SignalRequest.newBuilder().setAddTrack(add).build();
  }

  void onTrackPublished(LivekitRtc.TrackPublishedResponse response) {
    Pending pending = pendingPublishes.remove(response.getCid());
    Published p;
    if (pending != null) {
      LocalTrackPublication pub = new LocalTrackPublication(response.getTrack(), pending.track);
      p = new Published(pub, new TrackSender(pending.track, loop), pending.cid);
      published.put(pending.cid, p);
      room.localParticipant().publications.put(pub.sid(), pub);
    } else {
      p = published.get(response.getCid()); // republished after a rejoin
      if (p == null) {
        return;
      }
      room.localParticipant().publications.remove(p.publication.sid());
      p.publication.info = response.getTrack();
      room.localParticipant().publications.put(p.publication.sid(), p.publication);
    }
    if (engine() != null) {
      RtpCodec codec = RtpCodec.forMimeType(p.publication.track().mimeType()).orElseThrow();
      String kind = p.publication.track().kind() == TrackType.AUDIO ? "audio" : "video";
      p.mid = engine().addSendSection(kind, codec, p.ssrc, p.cid, p.cid);
      engine().negotiate();
    }
    if (pending != null) {
      pending.future.complete(p.publication);
      listener.onLocalTrackPublished(p.publication);
    }
  }

  CompletableFuture<Void> unpublish(String trackSid) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(() -> {
      Published p = published.values().stream().filter(x -> x.publication.sid().equals(trackSid)).findFirst()
          .orElse(null);
      if (p == null) {
        done.completeExceptionally(new RoomException("no published track " + trackSid));
        return;
      }
      published.remove(p.cid);
      room.localParticipant().publications.remove(trackSid);
      p.sender.stop();
      if (engine() != null && p.mid != null) {
        engine().deactivate(p.mid);
        engine().negotiate();
      }
      listener.onLocalTrackUnpublished(p.publication);
      done.complete(null);
    });
    return done;
  }

  /** Gives every published track whose section the server accepted its payload type, and starts it. */
  void bindSenders() {
    for (Published p : published.values()) {
      if (p.bound || p.mid == null || engine() == null) {
        continue;
      }
      RemoteSection section = engine().remoteSections().get(p.mid);
      if (section != null) {
        p.sender.bind(engine(), p.ssrc, section.codec().payloadType(), section.codec().clockRate());
        p.bound = true;
      }
    }
  }


  /** Matches the sections the server sends on to the tracks they carry; new ones are announced. */
  void bindReceivers() {
    if (engine() == null) {
      return;
    }
    Map<String, RemoteSection> sections = engine().remoteSections();
    for (String mid : new ArrayList<>(subscribedByMid.keySet())) {
      RemoteSection s = sections.get(mid);
      String sid = s == null || !s.peerSends() ? null : trackOf(s);
      if (sid == null || !sid.equals(subscribedByMid.get(mid).sid())) {
        unsubscribe(mid);
      }
    }
    for (RemoteSection s : sections.values()) {
      if (!s.peerSends() || subscribedByMid.containsKey(s.mid())) {
        continue;
      }
      String sid = trackOf(s);
      RemoteTrackPublication pub = roster.publication(sid);
      if (pub == null) {
        continue; // the participant update naming it has not come yet
      }
      RemoteTrack track = new RemoteTrack(sid, pub.kind(), s.codec().mimeType(s.kind()), s.codec().clockRate());
      subscribedByMid.put(s.mid(), track);
      for (long ssrc : s.ssrcs()) {
        subscribedBySsrc.put(ssrc, track);
      }
      pub.track = track;
      listener.onTrackSubscribed(track, pub, pub.participant());
    }
  }

  private String trackOf(RemoteSection s) {
    String sid = midToTrack.get(s.mid());
    return sid != null ? sid : s.msidTrack();
  }

  private void unsubscribe(String mid) {
    RemoteTrack track = subscribedByMid.remove(mid);
    if (track == null) {
      return;
    }
    subscribedBySsrc.values().removeIf(t -> t == track);
    try {
      track.unsubscribed();
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.WARNING, "finishing a recording of " + track.sid() + " failed: " + e.getMessage());
    }
    RemoteTrackPublication pub = roster.publication(track.sid());
    if (pub != null) {
      pub.track = null;
      listener.onTrackUnsubscribed(track, pub, pub.participant());
    }
  }

  void onRtp(byte[] packet) {
    if (packet.length < 12) {
      return;
    }
    long ssrc = ((packet[8] & 0xffL) << 24) | ((packet[9] & 0xff) << 16) | ((packet[10] & 0xff) << 8) | (packet[11] & 0xff);
    RemoteTrack track = subscribedBySsrc.get(ssrc);
    if (track != null) {
      track.onRtp(packet);
    }
  }

  void onRtcp(List<RtcpPacket> packets) {
    for (RtcpPacket packet : packets) {
      if (packet instanceof RtcpPacket.GenericNack nack) {
        for (Published p : published.values()) {
          if (p.ssrc == nack.mediaSsrc()) {
            p.sender.retransmit(nack.lost());
          }
        }
      }
    }
  }
}
