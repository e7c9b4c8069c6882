package io.osprey.server.rtc;

import io.osprey.protocol.livekit.LivekitModels;

/** What this server tells clients about itself (JoinResponse.server_info). */
public final class ServerInfo {
  /** The version reported to clients; livekit-client requires one. */
  public static final String VERSION = "1.9.0-osprey.0.1.0";
  /** The signal protocol version we speak (livekit-server's is higher; we claim what we implement). */
  public static final int PROTOCOL = 15;

  private ServerInfo() {}

  /** What node {@code nodeId} tells its clients (JoinResponse.server_info): which node they reached. */
  public static LivekitModels.ServerInfo of(String nodeId) {
    return LivekitModels.ServerInfo.newBuilder()
        .setEdition(LivekitModels.ServerInfo.Edition.Standard).setVersion(VERSION).setProtocol(PROTOCOL)
        .setNodeId(nodeId).build();
  }
}
