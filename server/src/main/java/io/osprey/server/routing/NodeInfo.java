package io.osprey.server.routing;

import java.net.URI;

/**
 * One node of the cluster as its registry entry describes it.
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
    if (httpUrl == null || !"http".equals(httpUrl.getScheme()) || httpUrl.getHost() == null) {
      throw new IllegalArgumentException("node http_url must be an http:// URL, not " + httpUrl);
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
}
