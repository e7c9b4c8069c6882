package io.osprey.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.osprey.protocol.auth.ClaimGrants;
import io.osprey.protocol.auth.TokenException;
import io.osprey.protocol.auth.TokenVerifier;
import io.osprey.protocol.auth.VerifiedToken;
import java.util.List;

/**
 * livekit-server's auth middleware: the token comes from {@code Authorization: Bearer <jwt>} or an
 * {@code access_token} query parameter. A request without one goes on with no grants (the handler
 * then refuses what needs grants); a header without "Bearer " or a token that does not verify is
 * refused right here with a plain-text 401.
 */
public final class Authenticator {
  private final TokenVerifier verifier;

  public Authenticator(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  /** The outcome: grants to proceed with, or the plain-text 401 message. */
  public sealed interface Result permits Granted, Refused {}

  /** Proceed with these grants (anonymous when no token was given). */
  public record Granted(ClaimGrants grants, VerifiedToken token) implements Result {}

  /** Refuse with a 401 and this message. */
  public record Refused(String message) implements Result {}

  public Result authenticate(HttpRequest request) {
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    String token = null;
    if (header != null && !header.isEmpty()) {
      if (!header.startsWith("Bearer ")) {
        return new Refused("invalid authorization header. Must start with Bearer ");
      }
      token = header.substring("Bearer ".length()).strip();
    } else {
      List<String> q = new QueryStringDecoder(request.uri()).parameters().get("access_token");
      if (q != null && !q.isEmpty()) {
        token = q.get(0);
      }
    }
    if (token == null || token.isEmpty()) {
      return new Granted(ClaimGrants.ANONYMOUS, null);
    }
    try {
      VerifiedToken verified = verifier.verify(token);
      return new Granted(verified.grants(), verified);
    } catch (TokenException e) {
      return new Refused(e.getMessage());
    }
  }
}
