package io.osprey.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.osprey.protocol.auth.KeyProvider;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitWebhook.WebhookEvent;
import io.osprey.protocol.webhook.WebhookReceiver;
import io.osprey.protocol.webhook.WebhookSigner;
import io.osprey.server.metrics.Metrics;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Delivery to a real local HTTP receiver that verifies every webhook like an SDK would. */
class WebhookNotifierTest {
  private static final String SECRET = "webhook-secret-long-enough-for-anything";
  private final List<WebhookEvent> received = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final AtomicBoolean down = new AtomicBoolean();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
  private final Metrics metrics = new Metrics();
  private HttpServer receiver;

  private String startReceiver() throws Exception {
    WebhookReceiver verify = new WebhookReceiver(KeyProvider.of(Map.of("APIwh", SECRET)));
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (down.get()) {
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
        return;
      }
      try {
        if (!exchange.getRequestHeaders().getFirst("Content-Type").equals("application/webhook+json")) {
          failures.add("content type");
        }
        received.add(verify.receive(body, exchange.getRequestHeaders().getFirst("Authorization")));
        exchange.sendResponseHeaders(200, -1);
      } catch (Exception e) {
        failures.add(e.getMessage());
        exchange.sendResponseHeaders(401, -1);
      }
      exchange.close();
    });
    receiver.start();
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
  }

  private WebhookNotifier notifier(String url, Duration maxAge, int maxDepth, Set<String> exclude) {
    return new WebhookNotifier(new WebhookNotifier.Settings(List.of(url), maxAge, maxDepth, Duration.ofMillis(20),
        Duration.ofMillis(200), Duration.ofSeconds(2), Set.of(), exclude),
        new WebhookSigner("APIwh", SECRET, InstantSource.system()), InstantSource.system(), thread,
        HttpClient.newHttpClient(), metrics);
  }

  private static LivekitModels.Room room(String name) {
    return LivekitModels.Room.newBuilder().setName(name).setSid("RM_" + name).build();
  }

  private static LivekitModels.ParticipantInfo who(String identity) {
    return LivekitModels.ParticipantInfo.newBuilder().setIdentity(identity).build();
  }

  @AfterEach
  void stop() {
    if (receiver != null) {
      receiver.stop(0);
    }
    thread.shutdownNow();
  }

  @Test
  void deliversSignedEventsInOrderPerRoom() throws Exception {
    WebhookNotifier n = notifier(startReceiver(), Duration.ofSeconds(30), 200, Set.of());
    n.roomStarted(room("a"));
    for (int i = 0; i < 20; i++) {
      n.participantJoined(room("a"), who("p" + i));
    }
    n.roomFinished(room("a"));
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 22);
    assertThat(failures).isEmpty();
    assertThat(received.get(0).getEvent()).isEqualTo("room_started");
    assertThat(received.subList(1, 21)).extracting(e -> e.getParticipant().getIdentity())
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "p" + i).toList());
    assertThat(received.get(21).getEvent()).isEqualTo("room_finished");
    assertThat(received).allSatisfy(e -> assertThat(e.getId()).startsWith("EV_"));
  }

  @Test
  void aReceiverThatIsDownForAWhileLosesNothing() throws Exception {
    WebhookNotifier n = notifier(startReceiver(), Duration.ofSeconds(30), 200, Set.of());
    down.set(true);
    for (int i = 0; i < 10; i++) {
      n.participantJoined(room("b"), who("q" + i));
    }
    Thread.sleep(1500); // outage: every attempt is refused and retried with backoff
    assertThat(received).isEmpty();
    down.set(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 10);
    assertThat(received).extracting(e -> e.getParticipant().getIdentity())
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 10).mapToObj(i -> "q" + i).toList());
  }

  @Test
  void dropsOnlyBeyondTheQueueBoundAndCountsIt() throws Exception {
    WebhookNotifier n = notifier(startReceiver(), Duration.ofSeconds(30), 3, Set.of());
    down.set(true);
    for (int i = 0; i < 5; i++) {
      n.participantJoined(room("c"), who("r" + i));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> dropped() == 2);
    down.set(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
    assertThat(received).extracting(e -> e.getParticipant().getIdentity()).containsExactly("r0", "r1", "r2");
  }

  @Test
  void dropsEventsOlderThanTheMaximumAge() throws Exception {
    WebhookNotifier n = notifier(startReceiver(), Duration.ofMillis(300), 200, Set.of());
    down.set(true);
    n.roomStarted(room("d"));
    await().atMost(Duration.ofSeconds(5)).until(() -> dropped() == 1);
    assertThat(n.pending()).isZero();
  }

  @Test
  void honoursTheEventFilter() throws Exception {
    WebhookNotifier n = notifier(startReceiver(), Duration.ofSeconds(30), 200, Set.of("participant_joined"));
    n.participantJoined(room("e"), who("s"));
    n.roomFinished(room("e"));
    await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
    assertThat(received.get(0).getEvent()).isEqualTo("room_finished");
  }

  private double dropped() {
    return metrics.registry().scrape().stream()
        .filter(m -> m.getMetadata().getName().equals("livekit_webhook_sent"))
        .flatMap(m -> m.getDataPoints().stream())
        .filter(d -> d.getLabels().get("outcome").equals("dropped"))
        .mapToDouble(d -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d).getValue())
        .sum();
  }
}
