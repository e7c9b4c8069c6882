package io.osprey.protocol.auth;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.osprey.protocol.json.MalformedJsonException;
import io.osprey.protocol.json.ProtoJson;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Compact JWS with HMAC-SHA256 (RFC 7515 §7.1, RFC 7518 §3.2), the only form LiveKit uses. Our
 * own small codec rather than a JWT library: LiveKit's secrets may be short ("secret" in dev),
 * which general libraries reject, and the one algorithm needs no negotiation.
 */
final class Hs256Jwt {
  private static final String HEADER = base64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  /** Bound on a token's size; LiveKit tokens are a few hundred bytes to a few KiB. */
  static final int MAX_LENGTH = 64 * 1024;

  private Hs256Jwt() {}

  /** Signs a claims object into a compact JWT. */
  static String sign(Struct claims, String secret) {
    String payload = base64(ProtoJson.compact(claims).getBytes(StandardCharsets.UTF_8));
    String signingInput = HEADER + "." + payload;
    return signingInput + "." + base64(mac(secret, signingInput));
  }

  /** A token split into its parts, signature not yet checked. */
  record Parsed(Struct header, Struct claims, String signingInput, byte[] signature) {}

  static Parsed parse(String token) throws TokenException {
    if (token == null || token.length() > MAX_LENGTH) {
      throw new TokenException(TokenException.Reason.MALFORMED, "token missing or longer than " + MAX_LENGTH);
    }
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
      throw new TokenException(TokenException.Reason.MALFORMED, "token is not three dot-separated parts");
    }
    try {
      Struct header = ProtoJson.parseObject(decode(token.substring(0, first)));
      Struct claims = ProtoJson.parseObject(decode(token.substring(first + 1, second)));
      byte[] signature = DECODER.decode(token.substring(second + 1));
      return new Parsed(header, claims, token.substring(0, second), signature);
    } catch (IllegalArgumentException | MalformedJsonException e) {
      throw new TokenException(TokenException.Reason.MALFORMED, "token is not base64url JSON: " + e.getMessage());
    }
  }

  static void checkAlgorithm(Parsed parsed) throws TokenException {
    Value alg = parsed.header().getFieldsMap().get("alg");
    if (alg == null || !alg.hasStringValue() || !alg.getStringValue().equals("HS256")) {
      throw new TokenException(TokenException.Reason.UNSUPPORTED_ALGORITHM,
          "token algorithm must be HS256, not " + (alg == null ? "absent" : JsonFormatHolder.print(alg)));
    }
  }

  /** Constant-time check of the signature. */
  static boolean signatureMatches(Parsed parsed, String secret) {
    return MessageDigest.isEqual(mac(secret, parsed.signingInput()), parsed.signature());
  }

  private static byte[] mac(String secret, String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static String decode(String part) {
    return new String(DECODER.decode(part), StandardCharsets.UTF_8);
  }

  private static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Prints a JSON value for messages. */
  private static final class JsonFormatHolder {
    static String print(Value v) {
      try {
        return JsonFormat.printer().omittingInsignificantWhitespace().print(v);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        return "?";
      }
    }
  }
}
