package io.osprey.protocol.auth;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.osprey.protocol.auth.OtherGrants.AgentGrant;
import io.osprey.protocol.auth.OtherGrants.InferenceGrant;
import io.osprey.protocol.auth.OtherGrants.ObservabilityGrant;
import io.osprey.protocol.auth.OtherGrants.SipGrant;
import io.osprey.protocol.json.MalformedJsonException;
import io.osprey.protocol.json.ProtoJson;
import io.osprey.protocol.livekit.LivekitRoom.RoomConfiguration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Maps {@link ClaimGrants} to and from the JSON claim names LiveKit's SDKs use. */
final class ClaimsCodec {
  private ClaimsCodec() {}

  static void write(ClaimGrants g, Struct.Builder out) {
    putString(out, "name", g.name());
    putString(out, "kind", g.kind());
    if (!g.kindDetails().isEmpty()) {
      out.putFields("kindDetails", strings(g.kindDetails()));
    }
    putString(out, "metadata", g.metadata());
    if (!g.attributes().isEmpty()) {
      Struct.Builder attrs = Struct.newBuilder();
      g.attributes().forEach((k, v) -> attrs.putFields(k, str(v)));
      out.putFields("attributes", Value.newBuilder().setStructValue(attrs).build());
    }
    putString(out, "sha256", g.sha256());
    putString(out, "roomPreset", g.roomPreset());
    if (g.roomConfig() != null) {
      try {
        out.putFields("roomConfig", Value.newBuilder().setStructValue(ProtoJson.parseObject(ProtoJson.compact(g.roomConfig()))).build());
      } catch (MalformedJsonException e) {
        throw new IllegalStateException(e);
      }
    }
    if (!g.video().equals(VideoGrant.NONE)) {
      out.putFields("video", object(video(g.video())));
    }
    if (g.sip() != null) {
      out.putFields("sip", object(Struct.newBuilder().putFields("admin", bool(g.sip().admin())).putFields("call", bool(g.sip().call()))));
    }
    if (g.agent() != null) {
      out.putFields("agent", object(Struct.newBuilder().putFields("admin", bool(g.agent().admin()))));
    }
    if (g.inference() != null) {
      out.putFields("inference", object(Struct.newBuilder().putFields("perform", bool(g.inference().perform()))));
    }
    if (g.observability() != null) {
      out.putFields("observability", object(Struct.newBuilder().putFields("write", bool(g.observability().write()))));
    }
  }

  private static Struct.Builder video(VideoGrant v) {
    Struct.Builder s = Struct.newBuilder();
    putTrue(s, "roomCreate", v.roomCreate());
    putTrue(s, "roomList", v.roomList());
    putTrue(s, "roomRecord", v.roomRecord());
    putTrue(s, "roomAdmin", v.roomAdmin());
    putTrue(s, "roomJoin", v.roomJoin());
    putString(s, "room", v.room());
    putNullable(s, "canPublish", v.canPublish());
    putNullable(s, "canSubscribe", v.canSubscribe());
    putNullable(s, "canPublishData", v.canPublishData());
    if (!v.canPublishSources().isEmpty()) {
      s.putFields("canPublishSources", strings(v.canPublishSources()));
    }
    putNullable(s, "canUpdateOwnMetadata", v.canUpdateOwnMetadata());
    putTrue(s, "ingressAdmin", v.ingressAdmin());
    putTrue(s, "hidden", v.hidden());
    putTrue(s, "recorder", v.recorder());
    putTrue(s, "agent", v.agent());
    putNullable(s, "canSubscribeMetrics", v.canSubscribeMetrics());
    putNullable(s, "canManageAgentSession", v.canManageAgentSession());
    putString(s, "destinationRoom", v.destinationRoom());
    return s;
  }

  static ClaimGrants read(Struct claims, String identity) throws TokenException {
    Map<String, Value> f = claims.getFieldsMap();
    Struct video = object(f, "video");
    Struct sip = object(f, "sip");
    Struct agent = object(f, "agent");
    Struct inference = object(f, "inference");
    Struct observability = object(f, "observability");
    Struct roomConfig = object(f, "roomConfig");
    Map<String, String> attributes = new LinkedHashMap<>();
    Struct attrs = object(f, "attributes");
    if (attrs != null) {
      for (Map.Entry<String, Value> e : attrs.getFieldsMap().entrySet()) {
        attributes.put(e.getKey(), asString(e.getValue(), "attributes." + e.getKey()));
      }
    }
    RoomConfiguration config = null;
    if (roomConfig != null) {
      try {
        config = ProtoJson.parse(ProtoJson.compact(roomConfig), RoomConfiguration.newBuilder()).build();
      } catch (MalformedJsonException e) {
        throw new TokenException(TokenException.Reason.INVALID_CLAIMS, "roomConfig: " + e.getMessage());
      }
    }
    return new ClaimGrants(identity, string(f, "name"), string(f, "kind"), strings(f, "kindDetails"),
        string(f, "metadata"), attributes, string(f, "sha256"), string(f, "roomPreset"), config,
        video == null ? null : readVideo(video),
        sip == null ? null : new SipGrant(flag(sip, "admin"), flag(sip, "call")),
        agent == null ? null : new AgentGrant(flag(agent, "admin")),
        inference == null ? null : new InferenceGrant(flag(inference, "perform")),
        observability == null ? null : new ObservabilityGrant(flag(observability, "write")));
  }

  private static VideoGrant readVideo(Struct v) throws TokenException {
    return VideoGrant.builder()
        .roomCreate(flag(v, "roomCreate")).roomList(flag(v, "roomList")).roomRecord(flag(v, "roomRecord"))
        .roomAdmin(flag(v, "roomAdmin")).roomJoin(flag(v, "roomJoin")).room(string(v.getFieldsMap(), "room"))
        .canPublish(nullable(v, "canPublish")).canSubscribe(nullable(v, "canSubscribe"))
        .canPublishData(nullable(v, "canPublishData")).canPublishSources(strings(v.getFieldsMap(), "canPublishSources"))
        .canUpdateOwnMetadata(nullable(v, "canUpdateOwnMetadata")).ingressAdmin(flag(v, "ingressAdmin"))
        .hidden(flag(v, "hidden")).recorder(flag(v, "recorder")).agent(flag(v, "agent"))
        .canSubscribeMetrics(nullable(v, "canSubscribeMetrics")).canManageAgentSession(nullable(v, "canManageAgentSession"))
        .destinationRoom(string(v.getFieldsMap(), "destinationRoom"))
        .build();
  }

  // ---- reading helpers: absent or null is the default; a wrong type is an invalid claim ----

  private static Struct object(Map<String, Value> f, String name) throws TokenException {
    Value v = f.get(name);
    if (v == null || v.hasNullValue()) {
      return null;
    }
    if (!v.hasStructValue()) {
      throw new TokenException(TokenException.Reason.INVALID_CLAIMS, name + " must be an object");
    }
    return v.getStructValue();
  }

  static String string(Map<String, Value> f, String name) throws TokenException {
    Value v = f.get(name);
    return v == null || v.hasNullValue() ? "" : asString(v, name);
  }

  private static String asString(Value v, String name) throws TokenException {
    if (!v.hasStringValue()) {
      throw new TokenException(TokenException.Reason.INVALID_CLAIMS, name + " must be a string");
    }
    return v.getStringValue();
  }

  private static List<String> strings(Map<String, Value> f, String name) throws TokenException {
    Value v = f.get(name);
    if (v == null || v.hasNullValue()) {
      return List.of();
    }
    if (!v.hasListValue()) {
      throw new TokenException(TokenException.Reason.INVALID_CLAIMS, name + " must be a list");
    }
    List<String> out = new ArrayList<>();
    for (Value item : v.getListValue().getValuesList()) {
      out.add(asString(item, name + "[]"));
    }
    return out;
  }

  private static boolean flag(Struct s, String name) throws TokenException {
    Boolean b = nullable(s, name);
    return b != null && b;
  }

  private static Boolean nullable(Struct s, String name) throws TokenException {
    Value v = s.getFieldsMap().get(name);
    if (v == null || v.hasNullValue()) {
      return null;
    }
    if (!v.hasBoolValue()) {
      throw new TokenException(TokenException.Reason.INVALID_CLAIMS, name + " must be true or false");
    }
    return v.getBoolValue();
  }

  // ---- writing helpers: LiveKit omits empty strings and false flags ----

  private static void putString(Struct.Builder s, String name, String value) {
    if (!value.isEmpty()) {
      s.putFields(name, str(value));
    }
  }

  private static void putTrue(Struct.Builder s, String name, boolean value) {
    if (value) {
      s.putFields(name, bool(true));
    }
  }

  private static void putNullable(Struct.Builder s, String name, Boolean value) {
    if (value != null) {
      s.putFields(name, bool(value));
    }
  }

  static Value str(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  static Value bool(boolean b) {
    return Value.newBuilder().setBoolValue(b).build();
  }

  private static Value object(Struct.Builder s) {
    return Value.newBuilder().setStructValue(s).build();
  }

  private static Value strings(List<String> items) {
    ListValue.Builder l = ListValue.newBuilder();
    items.forEach(i -> l.addValues(str(i)));
    return Value.newBuilder().setListValue(l).build();
  }
}
