package io.osprey.bench.controlplane;

import io.osprey.protocol.auth.AccessToken;
import io.osprey.protocol.auth.KeyProvider;
import io.osprey.protocol.auth.TokenException;
import io.osprey.protocol.auth.TokenVerifier;
import io.osprey.protocol.auth.VerifiedToken;
import io.osprey.protocol.auth.VideoGrant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Minting and verifying a typical join token (every Twirp call and every join verifies one). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenBenchmark {
  private TokenVerifier verifier;
  private AccessToken builder;
  private String token;

  @Setup
  public void setup() {
    verifier = new TokenVerifier(KeyProvider.of(Map.of("devkey", "secret")), InstantSource.system());
    builder = new AccessToken("devkey", "secret").identity("alice").name("Alice")
        .video(VideoGrant.builder().roomJoin(true).room("bench-room").canPublish(true).canSubscribe(true).build());
    token = builder.toJwt();
  }

  @Benchmark
  public VerifiedToken verify() throws TokenException {
    return verifier.verify(token);
  }

  @Benchmark
  public String mint() {
    return builder.toJwt();
  }
}
