package io.osprey.protocol;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.osprey.protocol.auth.KeyProvider;
import io.osprey.protocol.auth.TokenException;
import io.osprey.protocol.auth.TokenVerifier;
import io.osprey.protocol.json.MalformedJsonException;
import io.osprey.protocol.json.ProtoJson;
import io.osprey.protocol.livekit.LivekitRoom.CreateRoomRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import java.time.InstantSource;
import java.util.Map;

/** Every parser of network input in this module fails only with its typed error. */
class ProtocolFuzzTest {
  private static final TokenVerifier VERIFIER =
      new TokenVerifier(KeyProvider.of(Map.of("devkey", "secret")), InstantSource.system());

  @FuzzTest(maxDuration = "10s")
  void tokensSignalMessagesAndTwirpJson(FuzzedDataProvider data) {
    int which = data.consumeInt(0, 2);
    try {
      switch (which) {
        case 0 -> VERIFIER.verify(data.consumeRemainingAsString());
        case 1 -> SignalRequest.parseFrom(data.consumeRemainingAsBytes());
        default -> ProtoJson.parse(data.consumeRemainingAsString(), CreateRoomRequest.newBuilder());
      }
    } catch (TokenException | InvalidProtocolBufferException | MalformedJsonException expected) {
      // the typed failures
    }
  }
}
