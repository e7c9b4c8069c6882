package io.osprey.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.livekit.server.CanPublish;
import io.livekit.server.CanPublishSources;
import io.livekit.server.RoomAdmin;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tokens minted by LiveKit's own Kotlin/Java server SDK verify with Osprey, grants intact. */
class LiveKitSdkTokenInteropTest {
  @Test
  void verifiesTokensFromLiveKitsKotlinSdk() throws TokenException {
    io.livekit.server.AccessToken theirs = new io.livekit.server.AccessToken("APIkey1", "a-long-enough-secret-for-java-jwt-0123456789");
    theirs.setIdentity("bob");
    theirs.setName("Bob");
    theirs.setMetadata("meta");
    theirs.addGrants(new RoomJoin(true), new RoomName("lobby"), new CanPublish(false), new RoomAdmin(true),
        new CanPublishSources(List.of("camera")));

    TokenVerifier verifier = new TokenVerifier(
        KeyProvider.of(Map.of("APIkey1", "a-long-enough-secret-for-java-jwt-0123456789")), InstantSource.system());
    ClaimGrants g = verifier.verify(theirs.toJwt()).grants();

    assertThat(g.identity()).isEqualTo("bob");
    assertThat(g.name()).isEqualTo("Bob");
    assertThat(g.metadata()).isEqualTo("meta");
    assertThat(g.video().roomJoin()).isTrue();
    assertThat(g.video().roomAdmin()).isTrue();
    assertThat(g.video().room()).isEqualTo("lobby");
    assertThat(g.video().mayPublish()).isFalse();
    assertThat(g.video().maySubscribe()).isTrue();
    assertThat(g.video().canPublishSources()).containsExactly("camera");
  }
}
