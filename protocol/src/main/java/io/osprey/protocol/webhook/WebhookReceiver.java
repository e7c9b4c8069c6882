package io.osprey.protocol.webhook;

import io.osprey.protocol.auth.KeyProvider;
import io.osprey.protocol.auth.TokenException;
import io.osprey.protocol.auth.TokenVerifier;
import io.osprey.protocol.auth.VerifiedToken;
import io.osprey.protocol.json.MalformedJsonException;
import io.osprey.protocol.json.ProtoJson;
import io.osprey.protocol.livekit.LivekitWebhook.WebhookEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.InstantSource;

/**
 * Verifies a webhook request from a LiveKit-compatible server and decodes its event: the raw JWT
 * in the Authorization header must verify with a known key, and the SHA-256 of the body exactly
 * as received must equal the token's {@code sha256} claim (compared in constant time). Pass the
 * raw body bytes: a framework that re-serialises JSON changes them and fails the checksum.
 */
public final class WebhookReceiver {
  private final TokenVerifier verifier;

  public WebhookReceiver(KeyProvider keys) {
    this(keys, InstantSource.system());
  }

  public WebhookReceiver(KeyProvider keys, InstantSource clock) {
    this.verifier = new TokenVerifier(keys, clock);
  }

  /** Verifies and decodes. */
  public WebhookEvent receive(byte[] body, String authorization) throws WebhookException {
    verify(body, authorization);
    try {
      return ProtoJson.parse(new String(body, StandardCharsets.UTF_8), WebhookEvent.newBuilder()).build();
    } catch (MalformedJsonException e) {
      throw new WebhookException(WebhookException.Reason.MALFORMED_BODY, "webhook body is not a WebhookEvent: " + e.getMessage());
    }
  }

  /** Verifies the signature and checksum without decoding. */
  public VerifiedToken verify(byte[] body, String authorization) throws WebhookException {
    if (authorization == null || authorization.isBlank()) {
      throw new WebhookException(WebhookException.Reason.NO_AUTH_HEADER, "webhook request has no Authorization header");
    }
    String token = authorization.strip();
    if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = token.substring(7).strip(); // tolerate proxies that add the scheme
    }
    VerifiedToken verified;
    try {
      verified = verifier.verify(token);
    } catch (TokenException e) {
      WebhookException.Reason reason = e.reason() == TokenException.Reason.UNKNOWN_KEY
          ? WebhookException.Reason.UNKNOWN_KEY : WebhookException.Reason.BAD_TOKEN;
      throw new WebhookException(reason, "webhook token rejected: " + e.getMessage());
    }
    byte[] expected = verified.grants().sha256().getBytes(StandardCharsets.US_ASCII);
    byte[] actual = WebhookSigner.sha256(body).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new WebhookException(WebhookException.Reason.CHECKSUM_MISMATCH,
          "webhook body does not match the token's sha256 (body altered in transit?)");
    }
    return verified;
  }
}
