package io.osprey.protocol.json;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;

/**
 * The JSON forms of LiveKit messages. Twirp answers in snake_case with every field present (as
 * livekit-server's Twirp handlers do); webhooks and token claims use protojson's camelCase with
 * defaults omitted. Parsing accepts either naming and ignores unknown fields, like LiveKit.
 */
public final class ProtoJson {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer TWIRP = JsonFormat.printer()
      .preservingProtoFieldNames().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
  private static final JsonFormat.Printer COMPACT = JsonFormat.printer().omittingInsignificantWhitespace();

  private ProtoJson() {}

  /** Parses JSON into {@code builder}; malformed JSON or wrongly typed values are a typed error. */
  public static <B extends Message.Builder> B parse(String json, B builder) throws MalformedJsonException {
    try {
      PARSER.merge(json, builder);
      return builder;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      // JsonFormat reports some malformed input (bad numbers, deep nesting) with runtime exceptions.
      throw new MalformedJsonException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
  }

  /** Twirp response JSON: snake_case names, defaults emitted, int64 as strings, enums as names. */
  public static String twirp(Message message) {
    return print(TWIRP, message);
  }

  /** Compact protojson: camelCase names, defaults omitted (webhook bodies, token claims). */
  public static String compact(Message message) {
    return print(COMPACT, message);
  }

  /** Parses any JSON object into a {@link Struct}. */
  public static Struct parseObject(String json) throws MalformedJsonException {
    return parse(json, Struct.newBuilder()).build();
  }

  private static String print(JsonFormat.Printer printer, Message message) {
    try {
      return printer.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
    }
  }
}
