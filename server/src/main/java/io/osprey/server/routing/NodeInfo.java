package io.osprey.server.routing;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.osprey.protocol.json.MalformedJsonException;
import io.osprey.protocol.json.ProtoJson;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * One node of the cluster as its registry entry describes it. The entry is JSON, readable with
 * {@code redis-cli GET osprey:node:<id>}:
 * {@code {"id","http_url","rtc_ip","region","state","version","stats":{"rooms","participants",
 * "cpu_load","sys_load","updated_at_ms"}}}.
 *
 * @param id      {@code ND_...}, unique per process
 * @param httpUrl where other nodes reach its HTTP port (RoomService calls, signal relay)
 * @param rtcIp   the address its media transport advertises to clients
 * @param region  {@code region} of its config (may be empty)
 * @param version the server version it runs
 */
public record NodeInfo(String id, URI httpUrl, String rtcIp, String region, NodeState state, NodeStats stats,
                       String version) {
  public NodeInfo {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("node id is required");
    }
    if (httpUrl == null || !"http".equals(httpUrl.getScheme()) || httpUrl.getHost() == null || httpUrl.getPort() <= 0) {
      throw new IllegalArgumentException("node http_url must be an http://host:port URL, not " + httpUrl);
    }
    if (state == null || stats == null) {
      throw new IllegalArgumentException("node state and stats are required");
    }
    rtcIp = rtcIp == null ? "" : rtcIp;
    region = region == null ? "" : region;
    version = version == null ? "" : version;
  }

  /** The same node with new state and stats. */
  public NodeInfo with(NodeState newState, NodeStats newStats) {
    return new NodeInfo(id, httpUrl, rtcIp, region, newState, newStats, version);
  }

  /** The registry entry (counts and times as JSON integers, loads as decimals). */
  public String toJson() {
    StringBuilder b = new StringBuilder(256).append('{');
    field(b, "id", id).append(',');
    field(b, "http_url", httpUrl.toString()).append(',');
    field(b, "rtc_ip", rtcIp).append(',');
    field(b, "region", region).append(',');
    field(b, "state", state.wire()).append(',');
    field(b, "version", version).append(",\"stats\":{");
    b.append("\"rooms\":").append(stats.rooms())
        .append(",\"participants\":").append(stats.participants())
        .append(",\"cpu_load\":").append(decimal(stats.cpuLoad()))
        .append(",\"sys_load\":").append(decimal(stats.sysLoad()))
        .append(",\"updated_at_ms\":").append(stats.updatedAtMs());
    return b.append("}}").toString();
  }

  private static StringBuilder field(StringBuilder b, String name, String value) {
    b.append('"').append(name).append("\":\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"');
  }

  private static String decimal(double d) {
    return Double.isFinite(d) ? String.format(java.util.Locale.ROOT, "%.3f", d) : "-1";
  }

  /** Parses a registry entry; anything missing, mistyped or out of range is a typed error. */
  public static NodeInfo parse(String json) throws MalformedNodeEntryException {
    Struct s;
    try {
      s = ProtoJson.parseObject(json);
    } catch (MalformedJsonException e) {
      throw new MalformedNodeEntryException("not JSON: " + e.getMessage());
    }
    String id = string(s, "id");
    URI url;
    try {
      url = new URI(string(s, "http_url"));
    } catch (URISyntaxException e) {
      throw new MalformedNodeEntryException("http_url is not a URL: " + e.getMessage());
    }
    NodeState state = NodeState.fromWire(string(s, "state"));
    if (state == null) {
      throw new MalformedNodeEntryException("unknown state " + string(s, "state"));
    }
    Value statsValue = s.getFieldsMap().get("stats");
    if (statsValue == null || !statsValue.hasStructValue()) {
      throw new MalformedNodeEntryException("stats missing");
    }
    Struct st = statsValue.getStructValue();
    try {
      NodeStats stats = new NodeStats((int) number(st, "rooms"), (int) number(st, "participants"),
          number(st, "cpu_load"), number(st, "sys_load"), (long) number(st, "updated_at_ms"));
      return new NodeInfo(id, url, optional(s, "rtc_ip"), optional(s, "region"), state, stats, optional(s, "version"));
    } catch (IllegalArgumentException e) {
      throw new MalformedNodeEntryException(e.getMessage());
    }
  }

  private static String string(Struct s, String field) throws MalformedNodeEntryException {
    Value v = s.getFieldsMap().get(field);
    if (v == null || !v.hasStringValue()) {
      throw new MalformedNodeEntryException(field + " missing or not a string");
    }
    return v.getStringValue();
  }

  private static String optional(Struct s, String field) {
    Value v = s.getFieldsMap().get(field);
    return v != null && v.hasStringValue() ? v.getStringValue() : "";
  }

  private static double number(Struct s, String field) throws MalformedNodeEntryException {
    Value v = s.getFieldsMap().get(field);
    if (v == null || !v.hasNumberValue() || !Double.isFinite(v.getNumberValue())) {
      throw new MalformedNodeEntryException("stats." + field + " missing or not a number");
    }
    return v.getNumberValue();
  }
}
