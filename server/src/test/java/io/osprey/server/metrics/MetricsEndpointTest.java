package io.osprey.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.protocol.auth.AccessToken;
import io.osprey.protocol.auth.VideoGrant;
import io.osprey.server.OspreyServer;
import io.osprey.server.TestServers;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  @Test
  void servesLiveKitsMetricNamesOnThePrometheusPort() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (OspreyServer server = TestServers.dev("prometheus:\n  port: " + port + "\n")) {
      HttpClient http = HttpClient.newHttpClient();
      String token = new AccessToken("devkey", "secret").video(VideoGrant.builder().roomCreate(true).build()).toJwt();
      http.send(HttpRequest.newBuilder(URI.create(TestServers.baseUrl(server) + "/twirp/livekit.RoomService/CreateRoom"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"m\"}")).build(), HttpResponse.BodyHandlers.ofString());
      String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("livekit_room_total 1", "livekit_participant_total",
          "livekit_node_twirp_request_status_total{code=\"ok\",method=\"CreateRoom\",service=\"livekit.RoomService\",status=\"200\"} 1",
          "livekit_node_twirp_request_latency_ms");
    }
  }
}
