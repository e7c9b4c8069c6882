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
import io.osprey.protocol.livekit.LivekitRtc;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.wire.rtcp.RtcpPacket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPOutputStream;

/**
 * A LiveKit room joined as a realtime participant, the Java counterpart of the Go SDK's
 * {@code lksdk.Room}: it signals over {@code /rtc/v1} (one peer connection, we always offer), so
 * it works against Osprey and against livekit-server. It publishes {@link LocalTrack}s, subscribes
 * to others' tracks, sends and receives data, and tells a {@link RoomListener} what happens.
 * A dropped signal connection is resumed while the media connection is up (a new WebSocket with
 * {@code reconnect=1}, then an ICE restart: the same session, nothing republished); otherwise, or
 * if the server no longer has the session, the room rejoins with back-off and republishes our tracks.
 * A server that cannot be reached at all is passed over for the next of {@link RoomOptions#fallbackUrls()}
 * (see {@code ServerUrls}), so the room of a node that died is rejoined through a node that is alive.
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
  private static final int FIRST_JOIN_ATTEMPTS = 2;
  private static final System.Logger log = System.getLogger(Room.class.getName());

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
    FULL_RECONNECT,
    /**
     * The server restarts ICE (livekit's switch_candidate_protocol scenario): it asks us to resume,
     * and the resume restarts ICE on the connection we keep.
     */
    ICE_RESTART
  }

  /** Where we join: the URL given and the fallbacks, then wherever a draining server sent us. */
  private final ServerUrls urls;
  /** The URL of the attempt in progress. */
  private URI connectingTo;
  /** The URL of the last connection that came up. */
  private URI connectedTo;
  private Handover handover;
  private final OutgoingData outgoing = new OutgoingData();
  private final RoomOptions options;
  private final RoomListener listener;
  private final EventLoop loop;
  private final CompletableFuture<Room> joined = new CompletableFuture<>();
  private final Roster roster;
  private final Tracks tracks;
  private volatile String token;
  private volatile State state = State.CONNECTING;
  private volatile LivekitModels.Room info = LivekitModels.Room.getDefaultInstance();
  private volatile LocalParticipant local;
  private SignalClient signal;
  private RtcEngine engine;
  private ScheduledFuture<?> pinger;
  private ScheduledFuture<?> attemptTimeout;
  private long lastPongNanos;
  private int attempt;
  private int joins;
  private int signals;
  /** The current attempt resumes our session (reconnect=1) on the media connection we kept. */
  private boolean resuming;
  private int pingInterval = 5;
  private int pingTimeout = 15;

  private Room(ServerUrls urls, String token, RoomOptions options, RoomListener listener) {
    this.urls = urls;
    this.token = token;
    this.options = options;
    this.listener = listener;
    EventLoopGroup group = options.loops() != null ? options.loops() : RtcLoops.shared();
    this.loop = group.next();
    this.roster = new Roster(this, listener, sid -> tracks().trackGone(sid));
    this.tracks = new Tracks(this, roster, listener, loop);
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
    ServerUrls urls;
    try {
      List<URI> fallbacks = new java.util.ArrayList<>();
      for (String fallback : options.fallbackUrls()) {
        fallbacks.add(signalUrl(fallback));
      }
      urls = new ServerUrls(signalUrl(url), fallbacks);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new RoomException(e.getMessage()));
    }
    Room room = new Room(urls, token, options, listener);
    room.loop.execute(room::attempt);
    return room.joined;
  }

  /** {@code url} as a signal URL: {@code ws(s)://host[:port][/path]}, no trailing slash. */
  private static URI signalUrl(String url) {
    try {
      URI u = URI.create(url.replaceFirst("^http://", "ws://").replaceFirst("^https://", "wss://")
          .replaceAll("/+$", ""));
      if (u.getHost() != null) {
        return u;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalArgumentException("not a server URL: " + url);
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
    return roster.remote();
  }

  public Optional<RemoteParticipant> participant(String identity) {
    return roster.byIdentity(identity);
  }

  public List<Participant> activeSpeakers() {
    return roster.activeSpeakers();
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
            signalLost("signal connection dropped (simulated)");
          }
        }
        case NODE_FAILURE -> signal(simulateRequest(LivekitRtc.SimulateScenario.newBuilder().setNodeFailure(true)));
        case SERVER_LEAVE -> signal(simulateRequest(LivekitRtc.SimulateScenario.newBuilder().setServerLeave(true)));
        case FULL_RECONNECT -> signal(simulateRequest(
            LivekitRtc.SimulateScenario.newBuilder().setLeaveRequestFullReconnect(true)));
        case ICE_RESTART -> signal(simulateRequest(LivekitRtc.SimulateScenario.newBuilder()
            .setSwitchCandidateProtocol(LivekitRtc.CandidateProtocol.UDP)));
      }
    });
  }

  private static SignalRequest simulateRequest(LivekitRtc.SimulateScenario.Builder scenario) {
    return SignalRequest.newBuilder().setSimulate(scenario).build();
  }

  // ---- for the room's parts (on the loop) ----

  /** The current connection, or null between connections. */
  RtcEngine engine() {
    return engine;
  }

  private Tracks tracks() {
    return tracks;
  }

  CompletableFuture<LocalTrackPublication> publish(LocalTrack track) {
    return tracks.publish(track);
  }

  CompletableFuture<Void> unpublish(String trackSid) {
    return tracks.unpublish(trackSid);
  }

  // ---- joining ----

  private void attempt() {
    if (state == State.DISCONNECTED) {
      return;
    }
    attempt++;
    urls.beginAttempt();
    connect(urls.current());
  }

  /** Opens the signal connection of the current attempt at {@code target}. */
  private void connect(URI target) {
    connectingTo = target;
    URI uri = URI.create(target + "/rtc/v1?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
        + "&join_request=" + joinRequest(state == State.RECONNECTING));
    if (resuming) {
      log.log(System.Logger.Level.DEBUG, () -> "resuming as " + local.sid());
    }
    attemptTimeout = loop.schedule(() -> {
      String stage = stage();
      if (signal == null || !signal.isOpen()) {
        urls.unreachable(target); // no answer at all: the next attempt starts at another URL
      }
      attemptFailed(new RoomException("not connected to " + target + " within " + options.connectTimeout().toSeconds()
          + " s: " + stage), true);
    }, options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    int generation = ++signals; // what a connection given up on still says is not heard
    SignalClient client = SignalClient.open(uri, token, options.connectTimeout(), new SignalClient.Handler() {
      @Override
      public void onResponse(SignalResponse response) {
        if (generation == signals) {
          handle(response);
        } // a handed-over connection's messages are of a session we left
      }

      @Override
      public void onClosed(int code, String reason, Throwable error) {
        if (generation == signals) {
          signalClosed(code, reason, error);
        } else if (handover != null && handover.generation == generation) {
          handover.signalClosed();
          handover = null;
        }
      }
    }, loop);
    signal = client; // at once: the join response can come before we hear the socket is open
    client.opened().whenCompleteAsync((opened, error) -> {
      if (generation != signals || state == State.DISCONNECTED) {
        client.close();
      } else if (error != null && unreachable(error) && urls.unreachable(target)) {
        log.log(System.Logger.Level.INFO, describe(error) + "; trying " + urls.current());
        cancelAttemptTimeout();
        dropSignal();
        connect(urls.current()); // the same attempt: a dead address is not worth a back-off step
      } else if (error != null) {
        attemptFailed(new RoomException(describe(error)));
      }
    }, loop);
  }

  /** Whether opening the signal connection failed before any server answered (no TCP connection). */
  private static boolean unreachable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException // Netty's connect timeout is one too
          || t instanceof java.nio.channels.UnresolvedAddressException || t instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }

  /** How far a join got, for the error that says it did not finish. */
  private String stage() {
    if (signal == null || !signal.isOpen()) {
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
    if (cause instanceof SignalClient.RefusedException h) {
      int status = h.status();
      String detail = h.body();
      return switch (status) {
        case 401 -> "the server refused the token (401): " + detail.trim();
        case 404 -> "the server has no /rtc/v1 endpoint (404)";
        default -> "the server refused the join (" + status + "): " + detail.trim();
      };
    }
    if (cause instanceof java.net.ConnectException) {
      return "cannot reach " + connectingTo + ": connection refused";
    }
    return "cannot connect to " + connectingTo + ": " + cause;
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
    if (resuming) {
      join.setReconnect(true).setParticipantSid(local.sid());
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
    attemptFailed(error, false);
  }

  /**
   * @param stalled the server accepted the join but the connection did not come up in time: the
   *                first join tries again ({@value #FIRST_JOIN_ATTEMPTS} attempts in all), as a
   *                refusal (bad token, full room, no server) is not worth retrying
   */
  private void attemptFailed(RoomException error, boolean stalled) {
    if (state == State.DISCONNECTED || (state == State.CONNECTED)) {
      return;
    }
    cancelAttemptTimeout();
    if (resuming) { // the session could not be resumed: a full rejoin now, with our tracks republished
      resuming = false;
      log.log(System.Logger.Level.INFO, "resume failed (" + error.getMessage() + "); rejoining");
      teardown();
      attempt = 0;
      attempt();
      return;
    }
    teardown();
    boolean first = !joined.isDone();
    if (first && !(stalled && attempt < FIRST_JOIN_ATTEMPTS)) { // refusals fail fast: the caller decides
      state = State.DISCONNECTED;
      joined.completeExceptionally(error);
      return;
    }
    if (first) {
      log.log(System.Logger.Level.INFO, "join attempt " + attempt + " failed (" + error.getMessage() + "); trying again");
      loop.schedule(this::attempt, 300, TimeUnit.MILLISECONDS);
      return;
    }
    if (attempt > options.maxReconnects()) {
      log.log(System.Logger.Level.INFO, () -> "giving up on " + urls.all() + " after " + attempt + " attempts: " + error.getMessage());
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
    roster.joined(join.getOtherParticipantsList(), rejoin);
    InetAddress server;
    URI at = connectingTo;
    try {
      server = InetAddress.getByName(at.getHost());
    } catch (UnknownHostException e) {
      attemptFailed(new RoomException("cannot resolve " + at.getHost()));
      return;
    }
    int generation = ++joins;
    RtcEngine[] self = new RtcEngine[1];
    RtcEngine.open(loop, server, engineEvents(self)).whenCompleteAsync((opened, error) -> {
      if (error != null) {
        attemptFailed(new RoomException("cannot open a UDP socket: " + error.getMessage(), error));
      } else if (generation != joins || state == State.DISCONNECTED) {
        opened.close(); // this join was given up meanwhile
      } else {
        self[0] = opened;
        engine = opened;
        engine.start();
      }
    }, loop);
    pingInterval = join.getPingInterval() > 0 ? join.getPingInterval() : 5;
    pingTimeout = join.getPingTimeout() > 0 ? join.getPingTimeout() : 15;
    startPinging();
  }

  private void startPinging() {
    lastPongNanos = System.nanoTime();
    pinger = loop.scheduleAtFixedRate(this::ping, pingInterval, pingInterval, TimeUnit.SECONDS);
  }

  private void ping() {
    if (System.nanoTime() - lastPongNanos > TimeUnit.SECONDS.toNanos(pingTimeout)) {
      signalLost("no pong for " + pingTimeout + " s");
      return;
    }
    signal(SignalRequest.newBuilder().setPingReq(LivekitRtc.Ping.newBuilder()
        .setTimestamp(System.currentTimeMillis())).build());
  }

  /**
   * What the engine {@code self[0]} reports: heard while it is the room's connection; a connection
   * being handed over still delivers data (what was in flight to us), nothing else.
   */
  private RtcEngine.Events engineEvents(RtcEngine[] self) {
    return new RtcEngine.Events() {
      private boolean current() {
        return self[0] != null && self[0] == engine;
      }

      @Override
      public void signal(SignalRequest request) {
        if (current()) {
          Room.this.signal(request);
        }
      }

      @Override
      public void connected() {
        if (current()) {
          onMediaConnected();
        }
      }

      @Override
      public void failed(String reason) {
        if (current()) {
          connectionLost("media connection failed: " + reason);
        }
      }

      @Override
      public void rtp(byte[] packet) {
        if (current()) {
          tracks.onRtp(packet);
        }
      }

      @Override
      public void rtcp(List<RtcpPacket> packets) {
        if (current()) {
          tracks.onRtcp(packets);
        }
      }

      @Override
      public void data(byte[] payload, DataKind kind) {
        if (current() || (handover != null && handover.owns(self[0]))) {
          onData(payload, kind);
        }
      }

      @Override
      public void negotiated(Map<String, String> midToTrackSid) {
        if (current()) {
          tracks.negotiated(midToTrackSid);
          if (resuming) {
            awaitResumed();
          }
        }
      }
    };
  }

  private void onMediaConnected() {
    cancelAttemptTimeout();
    boolean reconnected = state == State.RECONNECTING;
    state = State.CONNECTED;
    attempt = 0;
    if (connectedTo != null && !connectingTo.equals(connectedTo)) {
      log.log(System.Logger.Level.INFO, "rejoined at " + connectingTo + " (was " + connectedTo + ")");
    }
    connectedTo = connectingTo;
    if (reconnected) {
      tracks.republish(); // the server forgot them with our old session
      listener.onReconnected();
      sendHeld();
    }
    joined.complete(this);
  }

  // ---- resuming (livekit's reconnect=1: same session, ICE restarted) ----

  /** The server kept our session: the media connection restarts ICE, with new credentials both ways. */
  private void onReconnect(LivekitRtc.ReconnectResponse response) {
    if (!resuming || engine == null) {
      return;
    }
    startPinging();
    engine.restartIce();
  }

  /** The ICE-restart offer was answered: resumed once checks with the new credentials succeed. */
  private void awaitResumed() {
    if (!resuming || engine == null) {
      return;
    }
    if (!engine.iceConnected()) {
      loop.schedule(this::awaitResumed, 20, TimeUnit.MILLISECONDS); // bounded by the attempt's timeout
      return;
    }
    cancelAttemptTimeout();
    resuming = false;
    state = State.CONNECTED;
    attempt = 0;
    log.log(System.Logger.Level.INFO, connectingTo + ": resumed");
    listener.onReconnected();
    sendHeld();
  }

  /** Sends the data held while rejoining, once those who were here are back (or the wait is over). */
  private void sendHeld() {
    if (state != State.CONNECTED || engine == null) {
      return; // lost again: the next rejoin sends it
    }
    RtcEngine e = engine;
    boolean done = outgoing.flush(id -> roster.byIdentity(id).isPresent(),
        (packet, future) -> e.sendData(packet, DataKind.RELIABLE), System.nanoTime());
    if (!done) {
      loop.schedule(this::sendHeld, 10, TimeUnit.MILLISECONDS);
    }
  }

  // ---- losing the connection ----

  private void signalClosed(int code, String reason, Throwable error) {
    if (state == State.CONNECTING && !joined.isDone()) {
      attemptFailed(new RoomException("the server closed the signal connection (" + code + " " + reason + ")"));
    } else {
      signalLost("signal connection closed (" + code + (reason.isEmpty() ? "" : " " + reason) + ")");
    }
  }

  /**
   * The signal connection is gone. While the media connection is up the session is resumed on
   * it, as livekit clients do (a new WebSocket with reconnect=1, then an ICE restart); if that
   * fails, or the media connection is down too, the room rejoins in full.
   */
  private void signalLost(String why) {
    if (state != State.CONNECTED || engine == null || !engine.mediaUp() || options.maxReconnects() <= 0) {
      connectionLost(why);
      return;
    }
    log.log(System.Logger.Level.INFO, connectedTo + ": " + why + "; resuming");
    state = State.RECONNECTING;
    resuming = true;
    outgoing.lost(roster.remote().stream().map(Participant::identity).toList());
    dropSignal();
    listener.onReconnecting();
    attempt = 0;
    attempt();
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
      log.log(System.Logger.Level.INFO, connectedTo + ": " + why);
      end(DisconnectReason.UNKNOWN_REASON, false);
      return;
    }
    log.log(System.Logger.Level.INFO, connectedTo + ": " + why + "; rejoining");
    state = State.RECONNECTING;
    outgoing.lost(roster.remote().stream().map(Participant::identity).toList());
    teardown();
    listener.onReconnecting();
    attempt = 0;
    attempt();
  }

  /** Drops the current signal and media connections; published tracks wait to be bound again. */
  private void teardown() {
    dropSignal();
    if (engine != null) {
      engine.close();
      engine = null;
    }
    tracks.detach();
  }

  /** Drops the signal connection only (what it still says is not heard). */
  private void dropSignal() {
    signals++;
    if (pinger != null) {
      pinger.cancel(false);
      pinger = null;
    }
    if (signal != null) {
      signal.close();
      signal = null;
    }
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
    if (handover != null) {
      handover.close();
      handover = null;
    }
    state = State.DISCONNECTED;
    outgoing.failAll("the room is disconnected (" + reason + ")");
    tracks.stopAll();
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
      case RECONNECT -> onReconnect(response.getReconnect());
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
          roster.onInfo(p);
        }
        tracks.bindReceivers();
      }
      case TRACK_PUBLISHED -> tracks.onTrackPublished(response.getTrackPublished());
      case TRACK_UNPUBLISHED -> log.log(System.Logger.Level.DEBUG, () -> "server unpublished our track " + response.getTrackUnpublished().getTrackSid());
      case LEAVE -> onLeave(response.getLeave());
      case MUTE -> tracks.onMuteRequest(response.getMute());
      case SPEAKERS_CHANGED -> roster.onSpeakers(response.getSpeakersChanged().getSpeakersList());
      case ROOM_UPDATE -> {
        String before = info.getMetadata();
        info = response.getRoomUpdate().getRoom();
        if (!before.equals(info.getMetadata())) {
          listener.onRoomMetadataChanged(info.getMetadata());
        }
      }
      case CONNECTION_QUALITY -> {
        for (LivekitRtc.ConnectionQualityInfo q : response.getConnectionQuality().getUpdatesList()) {
          Participant p = roster.bySid(q.getParticipantSid());
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
    } else if (leave.getAction() == LivekitRtc.LeaveRequest.Action.RESUME) {
      signalLost("the server asked us to resume (" + leave.getReason() + ")");
    } else if (state == State.CONNECTED && engine != null && signal != null && options.maxReconnects() > 0) {
      handOver(leave);
    } else {
      connectionLost("the server asked us to rejoin (" + leave.getReason() + ")");
    }
  }

  /**
   * The server is going away and asks us to rejoin: the current connection is handed over (see
   * {@link Handover}): nothing new goes on it, reliable data published meanwhile is held, and we
   * rejoin, at the URLs the leave names first, once the server has what we sent.
   */
  private void handOver(LivekitRtc.LeaveRequest leave) {
    List<URI> suggested = new java.util.ArrayList<>();
    for (LivekitRtc.RegionInfo region : leave.getRegions().getRegionsList()) {
      try {
        URI u = URI.create(region.getUrl().replaceFirst("^http://", "ws://").replaceFirst("^https://", "wss://")
            .replaceAll("/+$", ""));
        if (u.getHost() != null && !u.equals(connectedTo)) {
          suggested.add(u);
        }
      } catch (IllegalArgumentException e) {
        log.log(System.Logger.Level.DEBUG, "ignored a region URL that does not parse: " + region.getUrl());
      }
    }
    log.log(System.Logger.Level.INFO, connectedTo + ": the server asked us to rejoin (" + leave.getReason() + ")"
        + (suggested.isEmpty() ? "" : " at " + suggested) + "; handing the connection over");
    state = State.RECONNECTING;
    outgoing.lost(roster.remote().stream().map(Participant::identity).toList());
    cancelAttemptTimeout();
    if (pinger != null) {
      pinger.cancel(false);
      pinger = null;
    }
    if (handover != null) {
      handover.close();
    }
    Handover h = new Handover(signals, signal, engine, loop);
    handover = h;
    signals++; // the old signal connection now speaks to the handover
    signal = null;
    engine = null;
    tracks.detach();
    urls.suggest(suggested);
    listener.onReconnecting();
    h.start(() -> {
      if (state == State.RECONNECTING && signal == null) {
        attempt = 0;
        attempt();
      }
    });
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
      boolean reliable = options.kind() == DataKind.RELIABLE;
      if (reliable && (state == State.RECONNECTING || (state == State.CONNECTED && outgoing.holding()))) {
        outgoing.hold(packet, done); // sent in order once resumed or rejoined
      } else if ((state != State.CONNECTED && !resuming) || engine == null || !engine.sendData(packet, options.kind())) {
        // (lossy data still goes out during a resume: the data channels are open on the connection we kept)
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
