package io.osprey.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.osprey.protocol.auth.OtherGrants.SipGrant;
import io.osprey.protocol.livekit.LivekitRoom.RoomConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenTest {
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final InstantSource CLOCK = InstantSource.fixed(NOW);
  private static final KeyProvider KEYS = KeyProvider.of(Map.of("devkey", "secret", "other", "another-secret"));
  private static final TokenVerifier VERIFIER = new TokenVerifier(KEYS, CLOCK);

  private static AccessToken token() {
    return new AccessToken("devkey", "secret").clock(CLOCK).identity("alice");
  }

  private static TokenException.Reason rejection(String jwt) {
    try {
      VERIFIER.verify(jwt);
      throw new AssertionError("token was accepted");
    } catch (TokenException e) {
      return e.reason();
    }
  }

  private static String encode(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void roundTripsEveryClaimAndGrant() throws TokenException {
    VideoGrant video = VideoGrant.builder().roomJoin(true).room("r1").canPublish(false).canPublishData(true)
        .canPublishSources(List.of("camera", "microphone")).canUpdateOwnMetadata(true).hidden(true).build();
    String jwt = token().name("Alice").kind("agent").metadata("{\"m\":1}").attributes(Map.of("a", "b"))
        .roomPreset("preset").roomConfig(RoomConfiguration.newBuilder().setName("r1").setEmptyTimeout(30).build())
        .video(video).sip(new SipGrant(true, false)).toJwt();

    VerifiedToken verified = VERIFIER.verify(jwt);
    ClaimGrants g = verified.grants();
    assertThat(verified.apiKey()).isEqualTo("devkey");
    assertThat(verified.expiresAt()).isEqualTo(NOW.plus(AccessToken.DEFAULT_VALIDITY));
    assertThat(g.identity()).isEqualTo("alice");
    assertThat(g.name()).isEqualTo("Alice");
    assertThat(g.kind()).isEqualTo("agent");
    assertThat(g.metadata()).isEqualTo("{\"m\":1}");
    assertThat(g.attributes()).containsExactlyEntriesOf(Map.of("a", "b"));
    assertThat(g.roomPreset()).isEqualTo("preset");
    assertThat(g.roomConfig().getEmptyTimeout()).isEqualTo(30);
    assertThat(g.video()).isEqualTo(video);
    assertThat(g.sip()).isEqualTo(new SipGrant(true, false));
  }

  @Test
  void appliesLiveKitsDefaultPermissions() {
    VideoGrant absent = VideoGrant.builder().roomJoin(true).room("r").build();
    assertThat(absent.mayPublish()).isTrue();
    assertThat(absent.maySubscribe()).isTrue();
    assertThat(absent.mayPublishData()).isTrue();
    assertThat(absent.mayUpdateOwnMetadata()).isFalse();
    assertThat(absent.mayPublishSource("screen_share")).isTrue();

    VideoGrant noPublish = absent.toBuilder().canPublish(false).canPublishSources(List.of("camera")).build();
    assertThat(noPublish.mayPublishData()).isFalse();
    assertThat(noPublish.mayPublishSource("camera")).isFalse();
    VideoGrant cameraOnly = absent.toBuilder().canPublishSources(List.of("camera")).build();
    assertThat(cameraOnly.mayPublishSource("camera")).isTrue();
    assertThat(cameraOnly.mayPublishSource("microphone")).isFalse();
  }

  @Test
  void acceptsWithinTheLeewayAndRejectsBeyondIt() throws TokenException {
    String expiredJustNow = token().clock(InstantSource.fixed(NOW.minus(Duration.ofHours(6)).minusSeconds(30))).toJwt();
    VERIFIER.verify(expiredJustNow);
    String expired = token().clock(InstantSource.fixed(NOW.minus(Duration.ofHours(6)).minusSeconds(61))).toJwt();
    assertThat(rejection(expired)).isEqualTo(TokenException.Reason.EXPIRED);

    VERIFIER.verify(token().notBefore(NOW.plusSeconds(50)).toJwt());
    assertThat(rejection(token().notBefore(NOW.plusSeconds(120)).toJwt())).isEqualTo(TokenException.Reason.NOT_YET_VALID);
  }

  @Test
  void rejectsTokensSignedWithAnotherSecretOrUnknownKey() {
    assertThat(rejection(new AccessToken("devkey", "wrong").clock(CLOCK).identity("x").toJwt()))
        .isEqualTo(TokenException.Reason.BAD_SIGNATURE);
    assertThat(rejection(new AccessToken("nobody", "secret").clock(CLOCK).identity("x").toJwt()))
        .isEqualTo(TokenException.Reason.UNKNOWN_KEY);
  }

  @Test
  void rejectsTamperedPayloadsAndSignatures() {
    String jwt = token().video(VideoGrant.builder().roomJoin(true).room("r").build()).toJwt();
    String[] parts = jwt.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String elevated = encode(payload.replace("\"roomJoin\":true", "\"roomJoin\":true,\"roomAdmin\":true"));
    assertThat(rejection(parts[0] + "." + elevated + "." + parts[2])).isEqualTo(TokenException.Reason.BAD_SIGNATURE);
    char last = parts[2].charAt(0);
    String badSig = (last == 'A' ? 'B' : 'A') + parts[2].substring(1);
    assertThat(rejection(parts[0] + "." + parts[1] + "." + badSig)).isEqualTo(TokenException.Reason.BAD_SIGNATURE);
  }

  @Test
  void refusesAlgorithmsOtherThanHs256() {
    String payload = encode("{\"iss\":\"devkey\",\"sub\":\"x\",\"exp\":" + (NOW.getEpochSecond() + 60) + "}");
    assertThat(rejection(encode("{\"alg\":\"none\"}") + "." + payload + ".")).isEqualTo(TokenException.Reason.UNSUPPORTED_ALGORITHM);
    assertThat(rejection(encode("{\"alg\":\"RS256\"}") + "." + payload + ".AAAA")).isEqualTo(TokenException.Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void requiresAnExpiry() {
    String signed = Hs256Jwt.sign(com.google.protobuf.Struct.newBuilder()
        .putFields("iss", ClaimsCodec.str("devkey")).putFields("sub", ClaimsCodec.str("x")).build(), "secret");
    assertThat(rejection(signed)).isEqualTo(TokenException.Reason.MISSING_EXPIRY);
  }

  @Test
  void rejectsGarbageAsMalformed() {
    for (String garbage : new String[] {"", "abc", "a.b", "a.b.c.d", "!!!.???.***", encode("[]") + "." + encode("{}") + ".x"}) {
      assertThat(rejection(garbage)).as(garbage).isIn(TokenException.Reason.MALFORMED, TokenException.Reason.UNSUPPORTED_ALGORITHM);
    }
    assertThat(rejection("x".repeat(70_000))).isEqualTo(TokenException.Reason.MALFORMED);
  }

  @Test
  void rejectsWronglyTypedGrants() {
    String signed = Hs256Jwt.sign(com.google.protobuf.Struct.newBuilder()
        .putFields("iss", ClaimsCodec.str("devkey")).putFields("sub", ClaimsCodec.str("x"))
        .putFields("exp", com.google.protobuf.Value.newBuilder().setNumberValue(NOW.getEpochSecond() + 60).build())
        .putFields("video", ClaimsCodec.str("admin")).build(), "secret");
    assertThat(rejection(signed)).isEqualTo(TokenException.Reason.INVALID_CLAIMS);
  }

  @Test
  void aJoinTokenNeedsAnIdentity() {
    assertThatThrownBy(() -> new AccessToken("k", "s").video(VideoGrant.builder().roomJoin(true).build()).toJwt())
        .isInstanceOf(IllegalStateException.class);
  }
}
