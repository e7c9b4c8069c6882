package io.osprey.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The server's Prometheus metrics, with livekit-server's names where one applies, served on
 * {@code prometheus.port} when it is set. One registry per server (no global state), so tests and
 * several servers in one JVM do not collide.
 */
public final class Metrics implements AutoCloseable {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Gauge rooms = Gauge.builder().name("livekit_room_total").help("rooms on this node").register(registry);
  private final Gauge participants = Gauge.builder().name("livekit_participant_total")
      .help("participants on this node").register(registry);
  private final Counter twirpStatus = Counter.builder().name("livekit_node_twirp_request_status")
      .help("Twirp requests by service, method, status and code")
      .labelNames("service", "method", "status", "code").register(registry);
  private final Histogram twirpLatency = Histogram.builder().name("livekit_node_twirp_request_latency_ms")
      .help("Twirp request latency in milliseconds").labelNames("service", "method")
      .classicUpperBounds(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000).register(registry);
  private final Counter webhookSent = Counter.builder().name("livekit_webhook_sent_total")
      .help("webhook deliveries by outcome").labelNames("outcome").register(registry);
  private HTTPServer server;

  public PrometheusRegistry registry() {
    return registry;
  }

  /** Serves /metrics on {@code port} at {@code host}. */
  public void serve(String host, int port) throws IOException {
    server = HTTPServer.builder().registry(registry).inetAddress(new InetSocketAddress(host, port).getAddress())
        .port(port).buildAndStart();
  }

  public int servingPort() {
    return server == null ? 0 : server.getPort();
  }

  public void roomDelta(int delta) {
    rooms.inc(delta);
  }

  public void participantDelta(int delta) {
    participants.inc(delta);
  }

  public void twirpRequest(String service, String method, int status, String code, double millis) {
    twirpStatus.labelValues(service, method, Integer.toString(status), code).inc();
    twirpLatency.labelValues(service, method).observe(millis);
  }

  /** A webhook delivery: "delivered", "retried" or "dropped". */
  public void webhook(String outcome) {
    webhookSent.labelValues(outcome).inc();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
