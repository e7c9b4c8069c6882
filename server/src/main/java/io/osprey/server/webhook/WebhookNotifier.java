package io.osprey.server.webhook;

import io.osprey.protocol.Guid;
import io.osprey.protocol.json.ProtoJson;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitWebhook.WebhookEvent;
import io.osprey.protocol.webhook.WebhookEvents;
import io.osprey.protocol.webhook.WebhookSigner;
import io.osprey.server.metrics.Metrics;
import io.osprey.server.room.RoomEvents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends LiveKit webhooks: protojson {@code WebhookEvent} bodies signed by {@link WebhookSigner},
 * to every configured URL. Each (URL, room) pair has its own queue, so a room's events arrive in
 * order while rooms do not hold each other up. A failed delivery is retried with exponential
 * backoff; an event is dropped (logged, counted) only when it has waited longer than
 * {@code maxAge} or its queue is beyond {@code maxDepth}. All queue state lives on one thread.
 */
public final class WebhookNotifier implements RoomEvents, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);

  /** Delivery tuning. */
  public record Settings(List<String> urls, Duration maxAge, int maxDepth, Duration initialBackoff,
                         Duration maxBackoff, Duration requestTimeout, Set<String> include, Set<String> exclude) {
    public Settings {
      urls = List.copyOf(urls);
      include = Set.copyOf(include);
      exclude = Set.copyOf(exclude);
    }
  }

  private record Pending(WebhookEvent event, byte[] body, Instant enqueuedAt, int attempts) {}

  private static final class Queue {
    final ArrayDeque<Pending> events = new ArrayDeque<>();
    boolean busy;
  }

  private final Settings settings;
  private final WebhookSigner signer;
  private final InstantSource clock;
  private final ScheduledExecutorService thread;
  private final HttpClient http;
  private final Metrics metrics;
  private final Map<String, Queue> queues = new HashMap<>();
  private volatile boolean closed;

  public WebhookNotifier(Settings settings, WebhookSigner signer, InstantSource clock, ScheduledExecutorService thread,
                         HttpClient http, Metrics metrics) {
    this.settings = settings;
    this.signer = signer;
    this.clock = clock;
    this.thread = thread;
    this.http = http;
    this.metrics = metrics;
  }

  /** Queues an event for every URL, unless filtered out. Safe from any thread. */
  public void publish(String eventName, LivekitModels.Room room, LivekitModels.ParticipantInfo participant,
                      LivekitModels.TrackInfo track) {
    if (settings.urls().isEmpty() || closed || !wanted(eventName)) {
      return;
    }
    Instant now = clock.instant();
    WebhookEvent.Builder e = WebhookEvent.newBuilder().setEvent(eventName).setId(Guid.next(Guid.EVENT))
        .setCreatedAt(now.getEpochSecond());
    if (room != null) {
      e.setRoom(room);
    }
    if (participant != null) {
      e.setParticipant(participant);
    }
    if (track != null) {
      e.setTrack(track);
    }
    WebhookEvent event = e.build();
    byte[] body = ProtoJson.compact(event).getBytes(StandardCharsets.UTF_8);
    String resource = room != null ? room.getName() : participant != null ? participant.getIdentity() : "";
    thread.execute(() -> {
      for (String url : settings.urls()) {
        Queue q = queues.computeIfAbsent(url + "\n" + resource, k -> new Queue());
        if (settings.maxDepth() > 0 && q.events.size() >= settings.maxDepth()) {
          log.warn("webhook queue for {} ({}) is full ({} events): dropping {}", url, resource, q.events.size(), eventName);
          metrics.webhook("dropped");
          continue;
        }
        q.events.add(new Pending(event, body, now, 0));
        drain(url, resource, q);
      }
    });
  }

  private boolean wanted(String event) {
    if (!settings.include().isEmpty()) {
      return settings.include().contains(event);
    }
    return !settings.exclude().contains(event);
  }

  private void drain(String url, String resource, Queue q) {
    if (q.busy) {
      return;
    }
    Pending head = q.events.peek();
    if (head == null) {
      queues.remove(url + "\n" + resource);
      return;
    }
    q.busy = true;
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(settings.requestTimeout())
        .header("Authorization", signer.authorization(head.body()))
        .header("Content-Type", "application/webhook+json")
        .header("User-Agent", "LiveKit")
        .POST(HttpRequest.BodyPublishers.ofByteArray(head.body())).build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenCompleteAsync((response, error) -> {
      q.busy = false;
      if (error == null && response.statusCode() / 100 == 2) {
        q.events.poll();
        metrics.webhook("delivered");
        drain(url, resource, q);
        return;
      }
      String why = error != null ? error.toString() : "HTTP " + response.statusCode();
      Pending retry = new Pending(head.event(), head.body(), head.enqueuedAt(), head.attempts() + 1);
      Duration waited = Duration.between(head.enqueuedAt(), clock.instant());
      if (waited.compareTo(settings.maxAge()) > 0 || closed) {
        q.events.poll();
        log.warn("webhook {} for {} to {} dropped after {} attempts over {} s: {}", head.event().getEvent(), resource,
            url, retry.attempts(), waited.toSeconds(), why);
        metrics.webhook("dropped");
        drain(url, resource, q);
        return;
      }
      q.events.poll();
      q.events.addFirst(retry);
      long backoff = Math.min(settings.maxBackoff().toMillis(),
          settings.initialBackoff().toMillis() << Math.min(20, retry.attempts() - 1));
      log.debug("webhook {} to {} failed ({}); retry {} in {} ms", head.event().getEvent(), url, why, retry.attempts(), backoff);
      metrics.webhook("retried");
      q.busy = true;
      thread.schedule(() -> {
        q.busy = false;
        drain(url, resource, q);
      }, backoff, TimeUnit.MILLISECONDS);
    }, thread);
  }

  /** Events queued and not yet delivered (for tests and shutdown). */
  public int pending() {
    try {
      return thread.submit(() -> queues.values().stream().mapToInt(q -> q.events.size()).sum()).get();
    } catch (Exception e) {
      return -1;
    }
  }

  @Override
  public void roomStarted(LivekitModels.Room room) {
    publish(WebhookEvents.ROOM_STARTED, room, null, null);
  }

  @Override
  public void roomFinished(LivekitModels.Room room) {
    publish(WebhookEvents.ROOM_FINISHED, room, null, null);
  }

  @Override
  public void participantJoined(LivekitModels.Room room, LivekitModels.ParticipantInfo p) {
    publish(WebhookEvents.PARTICIPANT_JOINED, room, p, null);
  }

  @Override
  public void participantLeft(LivekitModels.Room room, LivekitModels.ParticipantInfo p) {
    publish(WebhookEvents.PARTICIPANT_LEFT, room, p, null);
  }

  @Override
  public void participantConnectionAborted(LivekitModels.Room room, LivekitModels.ParticipantInfo p) {
    publish(WebhookEvents.PARTICIPANT_CONNECTION_ABORTED, room, p, null);
  }

  @Override
  public void trackPublished(LivekitModels.Room room, LivekitModels.ParticipantInfo p, LivekitModels.TrackInfo t) {
    publish(WebhookEvents.TRACK_PUBLISHED, room, p, t);
  }

  @Override
  public void trackUnpublished(LivekitModels.Room room, LivekitModels.ParticipantInfo p, LivekitModels.TrackInfo t) {
    publish(WebhookEvents.TRACK_UNPUBLISHED, room, p, t);
  }

  /** Gives queued events up to 5 s to go out, then stops. */
  @Override
  public void close() {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (pending() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    closed = true;
  }
}
