package io.osprey.sdk.room;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.osprey.protocol.auth.AccessToken;
import io.osprey.protocol.auth.VideoGrant;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitModels.DisconnectReason;
import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
import io.osprey.protocol.livekit.LivekitModels.TrackInfo;
import io.osprey.protocol.livekit.LivekitModels.TrackType;
import io.osprey.protocol.livekit.LivekitRtc;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.transport.session.RemoteSection;
import io.osprey.transport.session.RtpCodec;
import io.osprey.wire.rtcp.RtcpPacket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPOutputStream;

/**
 * A LiveKit room joined as a realtime participant, the Java counterpart of the Go SDK's
 * {@code lksdk.Room}: it signals over {@code /rtc/v1} (one peer connection, we always offer), so
 * it works against Osprey and against livekit-server. It publishes {@link LocalTrack}s, subscribes
 * to others' tracks, sends and receives data, and tells a {@link RoomListener} what happens.
 * Lost connections are rejoined with back-off (our tracks are republished).
 *
 * <pre>{@code
 * Room room = Room.connect("ws://127.0.0.1:7880", token, RoomOptions.defaults(), new RoomListener() {
 *   public void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
 *     track.record(Path.of(p.identity() + "-" + track.sid() + ".ivf"));
 *   }
 * });
 * room.localParticipant().publishTrack(LocalTrack.fromFile(Path.of("video.ivf"), LocalTrack.Options.defaults()));
 * }</pre>
 *
 * <p>All of a room's state lives on one event loop of {@link RoomOptions#loops()}; public methods
 * may be called from any thread.
 */
public final class Room implements AutoCloseable {
  /** The protocol version we speak (livekit-client 2.x's). */
  static final int PROTOCOL = 16;
  static final String SDK_VERSION = "0.1.0";
  private static final System.Logger log = System.getLogger(Room.class.getName());
  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

  /** Where the room stands. */
  public enum State { CONNECTING, CONNECTED, RECONNECTING, DISCONNECTED }

  /** Failures to rehearse recovery with, as the Go SDK's {@code Simulate}. */
  public enum Simulation {
    /** Our signal WebSocket drops without a close (a network failure on our side). */
    SIGNAL_DROP,
    /** The server drops our signal connection as a failing node would. */
    NODE_FAILURE,
    /** The server leaves us as a node shutting down does, asking us to rejoin. */
    SERVER_LEAVE,
    /** The server asks for a full reconnect. */
    FULL_RECONNECT
  }

  private final URI base;
  private final RoomOptions options;
  private final RoomListener listener;
  private final HttpClient http;
  private final EventLoop loop;
  private final CompletableFuture<Room> joined = new CompletableFuture<>();
  private final Map<String, RemoteParticipant> participants = new ConcurrentHashMap<>();
  private final Map<String, Pending> pendingPublishes = new HashMap<>();
  private final Map<String, Published> published = new LinkedHashMap<>();
  private final Map<String, RemoteTrack> subscribedByMid = new HashMap<>();
  private final Map<Long, RemoteTrack> subscribedBySsrc = new HashMap<>();
  private final Map<String, String> midToTrack = new HashMap<>();
  private volatile String token;
  private volatile State state = State.CONNECTING;
  private volatile LivekitModels.Room info = LivekitModels.Room.getDefaultInstance();
  private volatile LocalParticipant local;
  private volatile List<Participant> activeSpeakers = List.of();
  private SignalClient signal;
  private RtcEngine engine;
  private ScheduledFuture<?> pinger;
  private ScheduledFuture<?> attemptTimeout;
  private long lastPongNanos;
  private int attempt;
  private int joins;
  private int signals;

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

  private Room(URI base, String token, RoomOptions options, RoomListener listener) {
    this.base = base;
    this.token = token;
    this.options = options;
    this.listener = listener;
    this.http = RtcLoops.http();
    EventLoopGroup group = options.loops() != null ? options.loops() : RtcLoops.shared();
    this.loop = group.next();
  }

  /**
   * Joins the room {@code token} grants, waiting until the media connection is up.
   *
   * @param url the server, {@code ws(s)://} or {@code http(s)://}
   * @throws RoomException if the server refuses the token, cannot be reached, or the connection
   *                       does not come up within {@link RoomOptions#connectTimeout()}
   */
  public static Room connect(String url, String token, RoomOptions options, RoomListener listener)
      throws RoomException {
    try {
      return connectAsync(url, token, options, listener).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RoomException("interrupted while joining");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RoomException r ? r : new RoomException("join failed: " + e.getCause(), e.getCause());
    }
  }

  /** Joins with a token made here from the API key and secret, as the Go SDK's {@code ConnectToRoom}. */
  public static Room connect(String url, String apiKey, String apiSecret, String roomName, String identity,
                             RoomOptions options, RoomListener listener) throws RoomException {
    String token = new AccessToken(apiKey, apiSecret).identity(identity)
        .video(VideoGrant.builder().roomJoin(true).room(roomName).build()).toJwt();
    return connect(url, token, options, listener);
  }

  /** {@link #connect(String, String, RoomOptions, RoomListener)} without blocking. */
  public static CompletableFuture<Room> connectAsync(String url, String token, RoomOptions options,
                                                     RoomListener listener) {
    URI base;
    try {
      base = URI.create(url.replaceFirst("^http://", "ws://").replaceFirst("^https://", "wss://")
          .replaceAll("/+$", ""));
      if (base.getHost() == null) {
        throw new IllegalArgumentException("no host");
      }
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new RoomException("not a server URL: " + url));
    }
    Room room = new Room(base, token, options, listener);
    room.loop.execute(room::attempt);
    return room.joined;
  }

  // ---- public view ----

  public String name() {
    return info.getName();
  }

  public String sid() {
    return info.getSid();
  }

  public String metadata() {
    return info.getMetadata();
  }

  public State state() {
    return state;
  }

  public LocalParticipant localParticipant() {
    return local;
  }

  public Collection<RemoteParticipant> remoteParticipants() {
    return List.copyOf(participants.values());
  }

  public Optional<RemoteParticipant> participant(String identity) {
    return participants.values().stream().filter(p -> p.identity().equals(identity)).findFirst();
  }

  public List<Participant> activeSpeakers() {
    return activeSpeakers;
  }

  /** Leaves the room: the server is told, tracks stop, recordings are finished. */
  public void disconnect() {
    loop.execute(() -> end(DisconnectReason.CLIENT_INITIATED, true));
  }

  @Override
  public void close() {
    disconnect();
  }

  /** Causes a failure the room must recover from (by rejoining, with our tracks republished). */
  public void simulate(Simulation simulation) {
    loop.execute(() -> {
      switch (simulation) {
        case SIGNAL_DROP -> {
          if (signal != null) {
            signal.abort();
            connectionLost("signal connection dropped (simulated)");
          }
        }
        case NODE_FAILURE -> signal(simulateRequest(LivekitRtc.SimulateScenario.newBuilder().setNodeFailure(true)));
        case SERVER_LEAVE -> signal(simulateRequest(LivekitRtc.SimulateScenario.newBuilder().setServerLeave(true)));
        case FULL_RECONNECT -> signal(simulateRequest(
            LivekitRtc.SimulateScenario.newBuilder().setLeaveRequestFullReconnect(true)));
      }
    });
  }

  private static SignalRequest simulateRequest(LivekitRtc.SimulateScenario.Builder scenario) {
    return SignalRequest.newBuilder().setSimulate(scenario).build();
  }

  // ---- joining ----

  private void attempt() {
    if (state == State.DISCONNECTED) {
      return;
    }
    attempt++;
    URI uri = URI.create(base + "/rtc/v1?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
        + "&join_request=" + joinRequest(state == State.RECONNECTING));
    attemptTimeout = loop.schedule(() -> attemptFailed(new RoomException("not connected to " + base + " within "
        + options.connectTimeout().toSeconds() + " s: " + stage())), options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    int generation = ++signals; // what a connection given up on still says is not heard
    SignalClient.connect(http, uri, token, options.connectTimeout(), new SignalClient.Handler() {
      @Override
      public void onResponse(SignalResponse response) {
        if (generation == signals) {
          handle(response);
        }
      }

      @Override
      public void onClosed(int code, String reason, Throwable error) {
        if (generation == signals) {
          signalClosed(code, reason, error);
        }
      }
    }, loop).whenCompleteAsync((client, error) -> {
      if (generation != signals) {
        if (client != null) {
          client.close();
        }
      } else if (error != null) {
        attemptFailed(new RoomException(describe(error)));
      } else if (state == State.DISCONNECTED) {
        client.close();
      } else {
        signal = client;
      }
    }, loop);
  }

  /** How far a join got, for the error that says it did not finish. */
  private String stage() {
    if (signal == null) {
      return "the signal WebSocket did not open";
    }
    if (engine == null) {
      return "no join response";
    }
    return "the media connection did not come up (" + engine.describe() + ")";
  }

  private String describe(Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    if (cause instanceof java.net.http.WebSocketHandshakeException h) {
      int status = h.getResponse().statusCode();
      Object body = h.getResponse().body();
      String detail = body instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(body);
      return switch (status) {
        case 401 -> "the server refused the token (401): " + detail.trim();
        case 404 -> "the server has no /rtc/v1 endpoint (404)";
        default -> "the server refused the join (" + status + "): " + detail.trim();
      };
    }
    if (cause instanceof java.net.ConnectException) {
      return "cannot reach " + base + ": connection refused";
    }
    return "cannot connect to " + base + ": " + cause;
  }

  private String joinRequest(boolean reconnect) {
    LivekitRtc.JoinRequest.Builder join = LivekitRtc.JoinRequest.newBuilder()
        .setClientInfo(LivekitModels.ClientInfo.newBuilder().setSdk(LivekitModels.ClientInfo.SDK.UNKNOWN)
            .setVersion(SDK_VERSION).setProtocol(PROTOCOL).setOs(System.getProperty("os.name", ""))
            .setDeviceModel("osprey-java"))
        .setConnectionSettings(LivekitRtc.ConnectionSettings.newBuilder().setAutoSubscribe(options.autoSubscribe()));
    if (reconnect && local != null) {
      join.setReconnectReason(LivekitModels.ReconnectReason.RR_SIGNAL_DISCONNECTED);
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(join.build().toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("gzip into memory failed", e);
    }
    byte[] wrapped = LivekitRtc.WrappedJoinRequest.newBuilder()
        .setCompression(LivekitRtc.WrappedJoinRequest.Compression.GZIP)
        .setJoinRequest(ByteString.copyFrom(gz.toByteArray())).build().toByteArray();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(wrapped);
  }

  private void attemptFailed(RoomException error) {
    if (state == State.DISCONNECTED || (state == State.CONNECTED)) {
      return;
    }
    cancelAttemptTimeout();
    teardown();
    boolean first = !joined.isDone();
    if (first) { // the first join fails fast: the caller decides whether to retry
      state = State.DISCONNECTED;
      joined.completeExceptionally(error);
      return;
    }
    if (attempt > options.maxReconnects()) {
      log.log(System.Logger.Level.INFO, () -> "giving up on " + base + " after " + attempt + " attempts: " + error.getMessage());
      end(DisconnectReason.UNKNOWN_REASON, false);
      return;
    }
    long delay = Math.min(60_000, (long) attempt * attempt * 300);
    log.log(System.Logger.Level.INFO, "rejoin attempt " + attempt + " failed (" + error.getMessage() + "); next in " + delay + " ms");
    loop.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
  }

  private void cancelAttemptTimeout() {
    if (attemptTimeout != null) {
      attemptTimeout.cancel(false);
      attemptTimeout = null;
    }
  }

  private void onJoin(LivekitRtc.JoinResponse join) {
    info = join.getRoom();
    boolean rejoin = local != null;
    if (local == null) {
      local = new LocalParticipant(join.getParticipant(), this);
    } else {
      local.info = join.getParticipant();
    }
    Set<String> present = new HashSet<>();
    for (ParticipantInfo p : join.getOtherParticipantsList()) {
      present.add(p.getSid());
      updateParticipant(p, rejoin);
    }
    for (RemoteParticipant gone : List.copyOf(participants.values())) {
      if (!present.contains(gone.sid())) {
        removeParticipant(gone);
      }
    }
    InetAddress server;
    try {
      server = InetAddress.getByName(base.getHost());
    } catch (UnknownHostException e) {
      attemptFailed(new RoomException("cannot resolve " + base.getHost()));
      return;
    }
    int generation = ++joins;
    RtcEngine.open(loop, server, engineEvents()).whenCompleteAsync((opened, error) -> {
      if (error != null) {
        attemptFailed(new RoomException("cannot open a UDP socket: " + error.getMessage(), error));
      } else if (generation != joins || state == State.DISCONNECTED) {
        opened.close(); // this join was given up meanwhile
      } else {
        engine = opened;
        engine.start();
      }
    }, loop);
    int interval = join.getPingInterval() > 0 ? join.getPingInterval() : 5;
    int timeout = join.getPingTimeout() > 0 ? join.getPingTimeout() : 15;
    lastPongNanos = System.nanoTime();
    pinger = loop.scheduleAtFixedRate(() -> ping(timeout), interval, interval, TimeUnit.SECONDS);
  }

  private void ping(int timeoutSeconds) {
    if (System.nanoTime() - lastPongNanos > TimeUnit.SECONDS.toNanos(timeoutSeconds)) {
      connectionLost("no pong for " + timeoutSeconds + " s");
      return;
    }
    signal(SignalRequest.newBuilder().setPingReq(LivekitRtc.Ping.newBuilder()
        .setTimestamp(System.currentTimeMillis())).build());
  }

  private RtcEngine.Events engineEvents() {
    return new RtcEngine.Events() {
      @Override
      public void signal(SignalRequest request) {
        Room.this.signal(request);
      }

      @Override
      public void connected() {
        onMediaConnected();
      }

      @Override
      public void failed(String reason) {
        connectionLost("media connection failed: " + reason);
      }

      @Override
      public void rtp(byte[] packet) {
        onRtp(packet);
      }

      @Override
      public void rtcp(List<RtcpPacket> packets) {
        onRtcp(packets);
      }

      @Override
      public void data(byte[] payload, DataKind kind) {
        onData(payload, kind);
      }

      @Override
      public void negotiated(Map<String, String> midToTrackSid) {
        midToTrack.putAll(midToTrackSid);
        bindSenders();
        bindReceivers();
      }
    };
  }

  private void onMediaConnected() {
    cancelAttemptTimeout();
    boolean reconnected = state == State.RECONNECTING;
    state = State.CONNECTED;
    attempt = 0;
    if (reconnected) {
      for (Published p : published.values()) { // the server forgot them with our old session
        signal(addTrack(p.publication.track(), p.cid));
      }
      listener.onReconnected();
    }
    joined.complete(this);
  }

  // ---- losing the connection ----

  private void signalClosed(int code, String reason, Throwable error) {
    if (state == State.CONNECTING && !joined.isDone()) {
      attemptFailed(new RoomException("the server closed the signal connection (" + code + " " + reason + ")"));
    } else {
      connectionLost("signal connection closed (" + code + (reason.isEmpty() ? "" : " " + reason) + ")");
    }
  }

  private void connectionLost(String why) {
    if (state == State.DISCONNECTED) {
      return;
    }
    if (state != State.CONNECTED) {
      attemptFailed(new RoomException(why));
      return;
    }
    if (options.maxReconnects() <= 0) {
      log.log(System.Logger.Level.INFO, base + ": " + why);
      end(DisconnectReason.UNKNOWN_REASON, false);
      return;
    }
    log.log(System.Logger.Level.INFO, base + ": " + why + "; rejoining");
    state = State.RECONNECTING;
    teardown();
    listener.onReconnecting();
    attempt = 0;
    attempt();
  }

  /** Drops the current signal and media connections; published tracks wait to be bound again. */
  private void teardown() {
    signals++;
    if (pinger != null) {
      pinger.cancel(false);
      pinger = null;
    }
    if (signal != null) {
      signal.close();
      signal = null;
    }
    if (engine != null) {
      engine.close();
      engine = null;
    }
    for (Published p : published.values()) {
      p.sender.bind(null, p.ssrc, -1, 0);
      p.bound = false;
      p.mid = null;
    }
    for (Map.Entry<String, RemoteTrack> e : new ArrayList<>(subscribedByMid.entrySet())) {
      unsubscribe(e.getKey());
    }
    midToTrack.clear();
  }

  private void end(DisconnectReason reason, boolean tellServer) {
    if (state == State.DISCONNECTED) {
      return;
    }
    cancelAttemptTimeout();
    if (tellServer && signal != null) {
      signal(SignalRequest.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder()
          .setReason(DisconnectReason.CLIENT_INITIATED).setAction(LivekitRtc.LeaveRequest.Action.DISCONNECT)).build());
    }
    teardown();
    state = State.DISCONNECTED;
    for (Published p : published.values()) {
      p.sender.stop();
    }
    for (Pending p : pendingPublishes.values()) {
      p.future.completeExceptionally(new RoomException("the room was left before the track was published"));
    }
    pendingPublishes.clear();
    if (!joined.isDone()) {
      joined.completeExceptionally(new RoomException("disconnected: " + reason));
    } else {
      listener.onDisconnected(reason);
    }
  }

  // ---- signalling ----

  void signal(SignalRequest request) {
    if (loop.inEventLoop()) {
      if (signal != null) {
        signal.send(request);
      }
    } else {
      loop.execute(() -> signal(request));
    }
  }

  private void handle(SignalResponse response) {
    switch (response.getMessageCase()) {
      case JOIN -> onJoin(response.getJoin());
      case ANSWER -> {
        if (engine != null) {
          engine.onAnswer(response.getAnswer());
        }
      }
      case TRICKLE -> {
        if (engine != null) {
          engine.onTrickle(response.getTrickle().getCandidateInit());
        }
      }
      case UPDATE -> {
        for (ParticipantInfo p : response.getUpdate().getParticipantsList()) {
          onParticipantInfo(p);
        }
        bindReceivers();
      }
      case TRACK_PUBLISHED -> onTrackPublished(response.getTrackPublished());
      case TRACK_UNPUBLISHED -> log.log(System.Logger.Level.DEBUG, () -> "server unpublished our track " + response.getTrackUnpublished().getTrackSid());
      case LEAVE -> onLeave(response.getLeave());
      case MUTE -> onMuteRequest(response.getMute());
      case SPEAKERS_CHANGED -> onSpeakers(response.getSpeakersChanged().getSpeakersList());
      case ROOM_UPDATE -> {
        String before = info.getMetadata();
        info = response.getRoomUpdate().getRoom();
        if (!before.equals(info.getMetadata())) {
          listener.onRoomMetadataChanged(info.getMetadata());
        }
      }
      case CONNECTION_QUALITY -> {
        for (LivekitRtc.ConnectionQualityInfo q : response.getConnectionQuality().getUpdatesList()) {
          Participant p = bySid(q.getParticipantSid());
          if (p != null) {
            listener.onConnectionQualityChanged(q.getQuality(), p);
          }
        }
      }
      case REFRESH_TOKEN -> token = response.getRefreshToken();
      case MEDIA_SECTIONS_REQUIREMENT -> {
        if (engine != null) {
          engine.addReceiveSections(response.getMediaSectionsRequirement().getNumAudios(),
              response.getMediaSectionsRequirement().getNumVideos());
          engine.negotiate();
        }
      }
      case PONG_RESP, PONG -> lastPongNanos = System.nanoTime();
      default -> log.log(System.Logger.Level.DEBUG, () -> "ignored signal response " + response.getMessageCase());
    }
  }

  private void onLeave(LivekitRtc.LeaveRequest leave) {
    if (leave.getAction() == LivekitRtc.LeaveRequest.Action.DISCONNECT && !leave.getCanReconnect()) {
      end(leave.getReason(), false);
    } else {
      connectionLost("the server asked us to rejoin (" + leave.getReason() + ")");
    }
  }

  private void onMuteRequest(LivekitRtc.MuteTrackRequest mute) {
    for (Published p : published.values()) {
      if (p.publication.sid().equals(mute.getSid())) {
        p.sender.setMuted(mute.getMuted());
        p.publication.info = p.publication.info.toBuilder().setMuted(mute.getMuted()).build();
        signal(SignalRequest.newBuilder().setMute(mute).build()); // acknowledged as livekit clients do
        if (mute.getMuted()) {
          listener.onTrackMuted(p.publication, local);
        } else {
          listener.onTrackUnmuted(p.publication, local);
        }
      }
    }
  }

  // ---- participants ----

  private Participant bySid(String sid) {
    if (local != null && local.sid().equals(sid)) {
      return local;
    }
    return participants.get(sid);
  }

  private void onParticipantInfo(ParticipantInfo p) {
    if (local != null && (p.getSid().equals(local.sid()) || p.getIdentity().equals(local.identity()))) {
      if (p.getSid().equals(local.sid())) {
        ParticipantInfo before = local.info;
        local.info = p;
        notifyChanges(before, p, local);
      }
      return;
    }
    if (p.getState() == ParticipantInfo.State.DISCONNECTED) {
      RemoteParticipant gone = participants.get(p.getSid());
      if (gone != null) {
        removeParticipant(gone);
      }
      return;
    }
    updateParticipant(p, true);
  }

  private void updateParticipant(ParticipantInfo p, boolean announce) {
    RemoteParticipant rp = participants.get(p.getSid());
    boolean isNew = rp == null;
    ParticipantInfo before = isNew ? null : rp.info;
    if (isNew) {
      rp = new RemoteParticipant(p);
      participants.put(p.getSid(), rp);
      if (announce) {
        listener.onParticipantConnected(rp);
      }
    } else {
      rp.info = p;
      notifyChanges(before, p, rp);
    }
    Set<String> tracks = new HashSet<>();
    for (TrackInfo t : p.getTracksList()) {
      tracks.add(t.getSid());
      RemoteTrackPublication pub = rp.publications.get(t.getSid());
      if (pub == null) {
        pub = new RemoteTrackPublication(t, this, rp);
        rp.publications.put(t.getSid(), pub);
        if (announce || !isNew) {
          listener.onTrackPublished(pub, rp);
        }
      } else {
        boolean wasMuted = pub.muted();
        pub.info = t;
        if (wasMuted != t.getMuted()) {
          if (t.getMuted()) {
            listener.onTrackMuted(pub, rp);
          } else {
            listener.onTrackUnmuted(pub, rp);
          }
        }
      }
    }
    for (RemoteTrackPublication pub : List.copyOf(rp.publications.values())) {
      if (!tracks.contains(pub.sid())) {
        unpublished(rp, pub);
      }
    }
  }

  private void unpublished(RemoteParticipant rp, RemoteTrackPublication pub) {
    rp.publications.remove(pub.sid());
    for (Map.Entry<String, RemoteTrack> e : new ArrayList<>(subscribedByMid.entrySet())) {
      if (e.getValue().sid().equals(pub.sid())) {
        unsubscribe(e.getKey());
      }
    }
    listener.onTrackUnpublished(pub, rp);
  }

  private void removeParticipant(RemoteParticipant rp) {
    for (RemoteTrackPublication pub : List.copyOf(rp.publications.values())) {
      unpublished(rp, pub);
    }
    participants.remove(rp.sid());
    listener.onParticipantDisconnected(rp);
  }

  private void notifyChanges(ParticipantInfo before, ParticipantInfo after, Participant p) {
    if (!before.getMetadata().equals(after.getMetadata())) {
      listener.onMetadataChanged(before.getMetadata(), p);
    }
    if (!before.getName().equals(after.getName())) {
      listener.onNameChanged(before.getName(), p);
    }
    if (!before.getAttributesMap().equals(after.getAttributesMap())) {
      Map<String, String> changed = new HashMap<>();
      after.getAttributesMap().forEach((k, v) -> {
        if (!v.equals(before.getAttributesMap().get(k))) {
          changed.put(k, v);
        }
      });
      before.getAttributesMap().keySet().forEach(k -> {
        if (!after.getAttributesMap().containsKey(k)) {
          changed.put(k, "");
        }
      });
      listener.onAttributesChanged(changed, p);
    }
  }

  private void onSpeakers(List<LivekitModels.SpeakerInfo> speakers) {
    List<Participant> active = new ArrayList<>();
    for (LivekitModels.SpeakerInfo s : speakers) {
      Participant p = bySid(s.getSid());
      if (p == null) {
        continue;
      }
      p.audioLevel = s.getLevel();
      if (p.speaking != s.getActive()) {
        p.speaking = s.getActive();
        listener.onIsSpeakingChanged(p, s.getActive());
      }
    }
    for (Participant p : allParticipants()) {
      if (p.speaking) {
        active.add(p);
      }
    }
    active.sort((a, b) -> Float.compare(b.audioLevel, a.audioLevel));
    activeSpeakers = List.copyOf(active);
    listener.onActiveSpeakersChanged(activeSpeakers);
  }

  private List<Participant> allParticipants() {
    List<Participant> all = new ArrayList<>(participants.values());
    if (local != null) {
      all.add(local);
    }
    return all;
  }

  // ---- publishing ----

  CompletableFuture<LocalTrackPublication> publish(LocalTrack track) {
    CompletableFuture<LocalTrackPublication> future = new CompletableFuture<>();
    if (RtpCodec.forMimeType(track.mimeType()).isEmpty()) {
      future.completeExceptionally(new RoomException("cannot publish " + track.mimeType()));
      return future;
    }
    loop.execute(() -> {
      if (state != State.CONNECTED) {
        future.completeExceptionally(new RoomException("the room is " + state));
        return;
      }
      String cid = "TR_" + UUID.randomUUID();
      pendingPublishes.put(cid, new Pending(track, future, cid));
      signal(addTrack(track, cid));
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

  private void onTrackPublished(LivekitRtc.TrackPublishedResponse response) {
    Pending pending = pendingPublishes.remove(response.getCid());
    Published p;
    if (pending != null) {
      LocalTrackPublication pub = new LocalTrackPublication(response.getTrack(), pending.track);
      p = new Published(pub, new TrackSender(pending.track, loop), pending.cid);
      published.put(pending.cid, p);
      local.publications.put(pub.sid(), pub);
    } else {
      p = published.get(response.getCid()); // republished after a rejoin
      if (p == null) {
        return;
      }
      local.publications.remove(p.publication.sid());
      p.publication.info = response.getTrack();
      local.publications.put(p.publication.sid(), p.publication);
    }
    if (engine != null) {
      RtpCodec codec = RtpCodec.forMimeType(p.publication.track().mimeType()).orElseThrow();
      String kind = p.publication.track().kind() == TrackType.AUDIO ? "audio" : "video";
      p.mid = engine.addSendSection(kind, codec, p.ssrc, p.cid, p.cid);
      engine.negotiate();
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
      local.publications.remove(trackSid);
      p.sender.stop();
      if (engine != null && p.mid != null) {
        engine.deactivate(p.mid);
        engine.negotiate();
      }
      listener.onLocalTrackUnpublished(p.publication);
      done.complete(null);
    });
    return done;
  }

  /** Gives every published track whose section the server accepted its payload type, and starts it. */
  private void bindSenders() {
    for (Published p : published.values()) {
      if (p.bound || p.mid == null || engine == null) {
        continue;
      }
      RemoteSection section = engine.remoteSections().get(p.mid);
      if (section != null) {
        p.sender.bind(engine, p.ssrc, section.codec().payloadType(), section.codec().clockRate());
        p.bound = true;
      }
    }
  }

  // ---- subscribing ----

  /** Matches the sections the server sends on to the tracks they carry; new ones are announced. */
  private void bindReceivers() {
    if (engine == null) {
      return;
    }
    Map<String, RemoteSection> sections = engine.remoteSections();
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
      RemoteTrackPublication pub = publication(sid);
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

  private RemoteTrackPublication publication(String trackSid) {
    for (RemoteParticipant p : participants.values()) {
      RemoteTrackPublication pub = p.publications.get(trackSid);
      if (pub != null) {
        return pub;
      }
    }
    return null;
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
    RemoteTrackPublication pub = publication(track.sid());
    if (pub != null) {
      pub.track = null;
      listener.onTrackUnsubscribed(track, pub, pub.participant());
    }
  }

  private void onRtp(byte[] packet) {
    if (packet.length < 12) {
      return;
    }
    long ssrc = ((packet[8] & 0xffL) << 24) | ((packet[9] & 0xff) << 16) | ((packet[10] & 0xff) << 8) | (packet[11] & 0xff);
    RemoteTrack track = subscribedBySsrc.get(ssrc);
    if (track != null) {
      track.onRtp(packet);
    }
  }

  private void onRtcp(List<RtcpPacket> packets) {
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

  // ---- data ----

  CompletableFuture<Void> publishData(byte[] data, DataOptions options) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    byte[] packet = LivekitModels.DataPacket.newBuilder()
        .setKind(options.kind() == DataKind.RELIABLE ? LivekitModels.DataPacket.Kind.RELIABLE
            : LivekitModels.DataPacket.Kind.LOSSY)
        .setUser(LivekitModels.UserPacket.newBuilder().setPayload(ByteString.copyFrom(data))
            .setTopic(options.topic()).addAllDestinationIdentities(options.destinations()))
        .addAllDestinationIdentities(options.destinations()).build().toByteArray();
    loop.execute(() -> {
      if (state != State.CONNECTED || engine == null || !engine.sendData(packet, options.kind())) {
        done.completeExceptionally(new RoomException("data cannot be sent: the room is " + state));
      } else {
        done.complete(null);
      }
    });
    return done;
  }

  private void onData(byte[] payload, DataKind kind) {
    LivekitModels.DataPacket packet;
    try {
      packet = LivekitModels.DataPacket.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      log.log(System.Logger.Level.DEBUG, "a data packet that does not parse was dropped: " + e.getMessage());
      return;
    }
    if (!packet.hasUser()) {
      return;
    }
    String identity = !packet.getParticipantIdentity().isEmpty() ? packet.getParticipantIdentity()
        : packet.getUser().getParticipantIdentity();
    RemoteParticipant from = participant(identity).orElse(null);
    listener.onDataReceived(packet.getUser().getPayload().toByteArray(), from, kind, packet.getUser().getTopic());
  }

  /** For tests and tools: waits until the room is connected or {@code timeout} passes. */
  static void await(CompletableFuture<?> future, Duration timeout) throws TimeoutException, ExecutionException,
      InterruptedException {
    future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
