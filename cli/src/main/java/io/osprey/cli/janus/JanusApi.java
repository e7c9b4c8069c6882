package io.osprey.cli.janus;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Janus session over its HTTP REST API: requests are POSTed as {@code {"janus": verb,
 * "transaction": id, ...}} to the session ({@code /janus/<session>}) or a plugin handle
 * ({@code /janus/<session>/<handle>}); a plugin answers at once ({@code success}) or acknowledges
 * ({@code ack}) and answers later with an {@code event} carrying the same transaction, which a
 * long poll ({@code GET /janus/<session>?maxev=N}) fetches. Many handles (participants) share the
 * session and its one poll. A keepalive is sent every 20 s (Janus drops sessions idle for 60).
 */
public final class JanusApi implements AutoCloseable {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
  private final HttpClient http;
  private final URI base;
  private final long session;
  private final Map<String, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final AtomicLong transactions = new AtomicLong();
  private final java.util.concurrent.ScheduledExecutorService keepalive;
  private volatile boolean closed;

  private JanusApi(HttpClient http, URI base, long session) {
    this.http = http;
    this.base = base;
    this.session = session;
    this.keepalive = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "janus-keepalive");
      t.setDaemon(true);
      return t;
    });
  }

  /** Creates a session at {@code base} (e.g. {@code http://127.0.0.1:8088/janus}) and starts polling its events. */
  public static JanusApi open(URI base) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    JsonObject created = post(http, base, request("create", "create")).join();
    long id = data(created).get("id").getAsLong();
    JanusApi api = new JanusApi(http, base, id);
    api.poll();
    api.keepalive.scheduleAtFixedRate(api::keepalive, 20, 20, TimeUnit.SECONDS);
    return api;
  }

  /** Attaches a handle to {@code plugin} (e.g. {@code janus.plugin.videoroom}); completes with its id. */
  public CompletableFuture<Long> attach(String plugin) {
    JsonObject body = request("attach", nextTransaction());
    body.addProperty("plugin", plugin);
    return post(http, sessionUri(), body).thenApply(r -> data(r).get("id").getAsLong());
  }

  /**
   * Sends {@code body} (and {@code jsep}, if not null) to the plugin behind {@code handle}; completes
   * with the plugin's answer: the {@code success} or the {@code event} object, whose
   * {@code plugindata.data} is the plugin's reply and {@code jsep} its SDP, if any. A plugin error
   * fails it.
   */
  public CompletableFuture<JsonObject> message(long handle, JsonObject body, JsonObject jsep) {
    String transaction = nextTransaction();
    JsonObject request = request("message", transaction);
    request.add("body", body);
    if (jsep != null) {
      request.add("jsep", jsep);
    }
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(transaction, answer);
    post(http, URI.create(sessionUri() + "/" + handle), request).whenComplete((r, e) -> {
      if (e != null) {
        pending.remove(transaction);
        answer.completeExceptionally(e);
      } else if (!"ack".equals(r.get("janus").getAsString())) { // answered at once
        pending.remove(transaction);
        complete(answer, r);
      }
    });
    return answer.orTimeout(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
        .whenComplete((r, e) -> pending.remove(transaction));
  }

  /** The plugin's reply in an answer from {@link #message}: its {@code plugindata.data}. */
  public static JsonObject pluginData(JsonObject answer) {
    JsonObject pd = answer.getAsJsonObject("plugindata");
    if (pd == null || !pd.has("data")) {
      throw new JanusException("no plugin data in " + answer);
    }
    return pd.getAsJsonObject("data");
  }

  /** A JSEP object ({@code {"type": ..., "sdp": ...}}), with trickle off: our SDP carries every candidate. */
  public static JsonObject jsep(String type, String sdp) {
    JsonObject j = new JsonObject();
    j.addProperty("type", type);
    j.addProperty("sdp", sdp);
    j.addProperty("trickle", false);
    return j;
  }

  /** Ends the session (Janus hangs up and detaches every handle). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    keepalive.shutdownNow();
    try {
      post(http, sessionUri(), request("destroy", nextTransaction())).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the server may be gone already; its session times out
    }
  }

  private void keepalive() {
    if (!closed) {
      post(http, sessionUri(), request("keepalive", nextTransaction()));
    }
  }

  private void poll() {
    if (closed) {
      return;
    }
    HttpRequest get = HttpRequest.newBuilder(URI.create(sessionUri() + "?maxev=64&rid=" + System.nanoTime()))
        .timeout(Duration.ofSeconds(60)).GET().build();
    http.sendAsync(get, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
      if (e == null && r.statusCode() == 200) {
        try {
          JsonElement events = JsonParser.parseString(r.body());
          if (events.isJsonArray()) {
            for (JsonElement ev : (JsonArray) events) {
              dispatch(ev.getAsJsonObject());
            }
          } else if (events.isJsonObject()) {
            dispatch(events.getAsJsonObject());
          }
        } catch (JsonParseException | IllegalStateException ignored) {
          // a malformed batch is skipped; the next poll carries on
        }
      } else {
        if (closed) {
          return;
        }
        // the server is restarting or gone: retry gently rather than spin
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(this::poll);
        return;
      }
      poll();
    });
  }

  private void dispatch(JsonObject event) {
    JsonElement t = event.get("transaction");
    if (t == null || !t.isJsonPrimitive()) {
      return; // webrtcup, media, slowlink, hangup and room notifications: nothing waits for them
    }
    CompletableFuture<JsonObject> waiting = pending.remove(t.getAsString());
    if (waiting != null) {
      complete(waiting, event);
    }
  }

  private static void complete(CompletableFuture<JsonObject> answer, JsonObject r) {
    String verb = r.has("janus") ? r.get("janus").getAsString() : "";
    if (verb.equals("error")) {
      answer.completeExceptionally(new JanusException("Janus error: " + r.get("error")));
      return;
    }
    JsonObject pd = r.getAsJsonObject("plugindata");
    if (pd != null && pd.has("data") && pd.getAsJsonObject("data").has("error")) {
      answer.completeExceptionally(new JanusException("plugin error: " + pd.getAsJsonObject("data").get("error")));
      return;
    }
    answer.complete(r);
  }

  private static CompletableFuture<JsonObject> post(HttpClient http, URI uri, JsonObject body) {
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() != 200) {
        throw new JanusException("HTTP " + r.statusCode() + " from " + uri);
      }
      JsonObject o;
      try {
        o = JsonParser.parseString(r.body()).getAsJsonObject();
      } catch (JsonParseException | IllegalStateException e) {
        throw new JanusException("not JSON from " + uri + ": " + r.body());
      }
      if ("error".equals(o.has("janus") ? o.get("janus").getAsString() : "")) {
        throw new JanusException("Janus error: " + o.get("error"));
      }
      return o;
    });
  }

  private static JsonObject data(JsonObject r) {
    JsonObject d = r.getAsJsonObject("data");
    if (d == null) {
      throw new JanusException("no data in " + r);
    }
    return d;
  }

  private static JsonObject request(String verb, String transaction) {
    JsonObject o = new JsonObject();
    o.addProperty("janus", verb);
    o.addProperty("transaction", transaction);
    return o;
  }

  private String nextTransaction() {
    return Long.toString(transactions.incrementAndGet(), 36);
  }

  private URI sessionUri() {
    return URI.create(base + "/" + session);
  }
}
