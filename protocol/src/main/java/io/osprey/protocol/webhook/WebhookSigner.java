package io.osprey.protocol.webhook;

import io.osprey.protocol.auth.AccessToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;

/**
 * Signs webhook bodies as LiveKit does: the {@code Authorization} header carries a raw JWT (no
 * "Bearer ") from the webhook API key, valid for 5 minutes, whose {@code sha256} claim is the
 * standard base64 SHA-256 of the exact body bytes.
 */
public final class WebhookSigner {
  /** How long a webhook token is valid. */
  public static final Duration VALIDITY = Duration.ofMinutes(5);

  private final String apiKey;
  private final String apiSecret;
  private final InstantSource clock;

  public WebhookSigner(String apiKey, String apiSecret, InstantSource clock) {
    this.apiKey = apiKey;
    this.apiSecret = apiSecret;
    this.clock = clock;
  }

  /** The Authorization header value for {@code body}. */
  public String authorization(byte[] body) {
    return new AccessToken(apiKey, apiSecret).clock(clock).validFor(VALIDITY).sha256(sha256(body)).toJwt();
  }

  /** Standard base64 of the SHA-256 of {@code body}. */
  public static String sha256(byte[] body) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** UTF-8 bytes of a JSON body. */
  public static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
