package io.osprey.protocol.auth;

import com.google.protobuf.Value;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies LiveKit access tokens as livekit-server does: HS256 only, the secret found by the
 * {@code iss} API key, {@code exp} required, {@code exp} and {@code nbf} checked with one minute
 * of leeway against an injected clock. Thread-safe and stateless.
 */
public final class TokenVerifier {
  /** LiveKit's leeway for clock skew. */
  public static final Duration DEFAULT_LEEWAY = Duration.ofMinutes(1);

  private final KeyProvider keys;
  private final InstantSource clock;
  private final Duration leeway;

  public TokenVerifier(KeyProvider keys, InstantSource clock) {
    this(keys, clock, DEFAULT_LEEWAY);
  }

  public TokenVerifier(KeyProvider keys, InstantSource clock, Duration leeway) {
    this.keys = Objects.requireNonNull(keys);
    this.clock = Objects.requireNonNull(clock);
    this.leeway = Objects.requireNonNull(leeway);
  }

  /**
   * Verifies {@code token}.
   *
   * @throws TokenException naming why it cannot be trusted
   */
  public VerifiedToken verify(String token) throws TokenException {
    Hs256Jwt.Parsed parsed = Hs256Jwt.parse(token);
    Hs256Jwt.checkAlgorithm(parsed);
    Map<String, Value> claims = parsed.claims().getFieldsMap();
    String issuer = ClaimsCodec.string(claims, "iss");
    if (issuer.isEmpty()) {
      throw new TokenException(TokenException.Reason.UNKNOWN_KEY, "token has no issuer (API key)");
    }
    String secret = keys.secret(issuer).orElseThrow(
        () -> new TokenException(TokenException.Reason.UNKNOWN_KEY, "unknown API key " + issuer));
    if (!Hs256Jwt.signatureMatches(parsed, secret)) {
      throw new TokenException(TokenException.Reason.BAD_SIGNATURE, "token signature does not match the API secret");
    }
    Instant now = clock.instant();
    Instant exp = time(claims, "exp");
    if (exp == null) {
      throw new TokenException(TokenException.Reason.MISSING_EXPIRY, "token has no expiry (exp)");
    }
    if (now.isAfter(exp.plus(leeway))) {
      throw new TokenException(TokenException.Reason.EXPIRED, "token expired at " + exp);
    }
    Instant nbf = time(claims, "nbf");
    if (nbf != null && now.plus(leeway).isBefore(nbf)) {
      throw new TokenException(TokenException.Reason.NOT_YET_VALID, "token not valid before " + nbf);
    }
    String identity = ClaimsCodec.string(claims, "sub");
    if (identity.isEmpty()) {
      identity = ClaimsCodec.string(claims, "jti");
    }
    return new VerifiedToken(issuer, ClaimsCodec.read(parsed.claims(), identity), exp, nbf);
  }

  private static Instant time(Map<String, Value> claims, String name) throws TokenException {
    Value v = claims.get(name);
    if (v == null || v.hasNullValue()) {
      return null;
    }
    if (!v.hasNumberValue() || !Double.isFinite(v.getNumberValue())) {
      throw new TokenException(TokenException.Reason.INVALID_CLAIMS, name + " must be a number of seconds");
    }
    double seconds = v.getNumberValue();
    if (Math.abs(seconds) > 1e13) {
      throw new TokenException(TokenException.Reason.INVALID_CLAIMS, name + " is out of range");
    }
    return Instant.ofEpochSecond((long) seconds);
  }
}
