package io.osprey.server.signal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.osprey.protocol.livekit.LivekitRtc.JoinRequest;
import io.osprey.protocol.livekit.LivekitRtc.WrappedJoinRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.zip.GZIPInputStream;

/**
 * The {@code join_request} query parameter of {@code /rtc/v1}: base64url of a WrappedJoinRequest
 * whose JoinRequest bytes may be gzipped. Decoding is bounded: a request that inflates past the
 * signal message limit is refused, as is anything malformed.
 */
final class JoinRequests {
  /** A join_request that cannot be read; its message says why. */
  static final class InvalidJoinRequest extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidJoinRequest(String message) {
      super(message, null, false, false);
    }
  }

  private JoinRequests() {}

  static JoinRequest decode(String param, int maxBytes) throws InvalidJoinRequest {
    if (param.isEmpty()) {
      throw new InvalidJoinRequest("join_request is required");
    }
    byte[] wrapped;
    try {
      wrapped = Base64.getUrlDecoder().decode(param.replace('+', '-').replace('/', '_'));
    } catch (IllegalArgumentException e) {
      throw new InvalidJoinRequest("join_request is not base64url");
    }
    try {
      WrappedJoinRequest w = WrappedJoinRequest.parseFrom(wrapped);
      byte[] bytes = w.getJoinRequest().toByteArray();
      if (w.getCompression() == WrappedJoinRequest.Compression.GZIP) {
        bytes = gunzip(bytes, maxBytes);
      }
      return JoinRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidJoinRequest("join_request is not a JoinRequest: " + e.getMessage());
    }
  }

  private static byte[] gunzip(byte[] data, int maxBytes) throws InvalidJoinRequest {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      byte[] out = in.readNBytes(maxBytes + 1);
      if (out.length > maxBytes) {
        throw new InvalidJoinRequest("join_request inflates past " + maxBytes + " bytes");
      }
      return out;
    } catch (IOException e) {
      throw new InvalidJoinRequest("join_request is not gzip: " + e.getMessage());
    }
  }
}
