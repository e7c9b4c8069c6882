package io.osprey.protocol.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.protocol.auth.KeyProvider;
import io.osprey.protocol.json.ProtoJson;
import io.osprey.protocol.livekit.LivekitModels.Room;
import io.osprey.protocol.livekit.LivekitWebhook.WebhookEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookTest {
  private static final String SECRET = "a-long-enough-secret-for-java-jwt-0123456789";
  private static final InstantSource CLOCK = InstantSource.system();
  private static final WebhookSigner SIGNER = new WebhookSigner("APIwh", SECRET, CLOCK);
  private static final WebhookReceiver RECEIVER = new WebhookReceiver(KeyProvider.of(Map.of("APIwh", SECRET)), CLOCK);

  private static byte[] body() {
    WebhookEvent event = WebhookEvent.newBuilder().setEvent(WebhookEvents.ROOM_STARTED).setId("EV_abc")
        .setCreatedAt(Instant.now().getEpochSecond()).setRoom(Room.newBuilder().setSid("RM_x").setName("lobby")).build();
    return ProtoJson.compact(event).getBytes(StandardCharsets.UTF_8);
  }

  private static WebhookException.Reason failure(byte[] body, String auth) {
    try {
      RECEIVER.receive(body, auth);
      throw new AssertionError("accepted");
    } catch (WebhookException e) {
      return e.reason();
    }
  }

  @Test
  void receivesWhatTheSignerSigned() throws WebhookException {
    byte[] body = body();
    WebhookEvent event = RECEIVER.receive(body, SIGNER.authorization(body));
    assertThat(event.getEvent()).isEqualTo("room_started");
    assertThat(event.getRoom().getName()).isEqualTo("lobby");
  }

  @Test
  void saysWhichCheckFailed() {
    byte[] body = body();
    String auth = SIGNER.authorization(body);
    assertThat(failure(body, null)).isEqualTo(WebhookException.Reason.NO_AUTH_HEADER);
    assertThat(failure(body, "not-a-jwt")).isEqualTo(WebhookException.Reason.BAD_TOKEN);
    assertThat(failure(body, new WebhookSigner("APIother", SECRET, CLOCK).authorization(body))).isEqualTo(WebhookException.Reason.UNKNOWN_KEY);
    byte[] altered = new String(body, StandardCharsets.UTF_8).replace("lobby", "lobbx").getBytes(StandardCharsets.UTF_8);
    assertThat(failure(altered, auth)).isEqualTo(WebhookException.Reason.CHECKSUM_MISMATCH);
    byte[] notJson = "hello".getBytes(StandardCharsets.UTF_8);
    assertThat(failure(notJson, SIGNER.authorization(notJson))).isEqualTo(WebhookException.Reason.MALFORMED_BODY);
  }

  @Test
  void liveKitsKotlinSdkReceiverAcceptsOurWebhooks() {
    byte[] body = body();
    livekit.LivekitWebhook.WebhookEvent theirs = new io.livekit.server.WebhookReceiver("APIwh", SECRET)
        .receive(new String(body, StandardCharsets.UTF_8), SIGNER.authorization(body));
    assertThat(theirs.getEvent()).isEqualTo("room_started");
    assertThat(theirs.getRoom().getSid()).isEqualTo("RM_x");
  }
}
