package io.osprey.server.twirp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.osprey.protocol.json.MalformedJsonException;
import io.osprey.protocol.json.ProtoJson;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Twirp's two encodings: protojson ({@code application/json}) and binary ({@code application/protobuf}). */
public enum TwirpCodec {
  JSON("application/json"),
  PROTOBUF("application/protobuf");

  private final String contentType;

  TwirpCodec(String contentType) {
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }

  /** The codec for a request's Content-Type (parameters after ';' ignored), or null if unsupported. */
  public static TwirpCodec forContentType(String header) {
    if (header == null) {
      return null;
    }
    String type = header.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return switch (type) {
      case "application/json" -> JSON;
      case "application/protobuf", "application/x-protobuf" -> PROTOBUF;
      default -> null;
    };
  }

  /** Decodes a request body into a message of {@code prototype}'s type. */
  public Message decode(byte[] body, Message prototype) throws TwirpException {
    try {
      return switch (this) {
        case JSON -> ProtoJson.parse(body.length == 0 ? "{}" : new String(body, StandardCharsets.UTF_8),
            prototype.newBuilderForType()).build();
        case PROTOBUF -> prototype.getParserForType().parseFrom(body);
      };
    } catch (MalformedJsonException | InvalidProtocolBufferException e) {
      throw new TwirpException(TwirpException.Code.MALFORMED,
          "the " + (this == JSON ? "json" : "protobuf") + " request could not be decoded: " + e.getMessage());
    }
  }

  /** Encodes a response message. */
  public byte[] encode(Message message) {
    return switch (this) {
      case JSON -> ProtoJson.twirp(message).getBytes(StandardCharsets.UTF_8);
      case PROTOBUF -> message.toByteArray();
    };
  }
}
