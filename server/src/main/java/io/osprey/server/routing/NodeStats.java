package io.osprey.server.routing;

/**
 * A node's load, written with its registry entry every heartbeat; the load-sorted node selectors
 * read it.
 *
 * @param rooms        rooms hosted
 * @param participants participants in those rooms (livekit's "clients")
 * @param cpuLoad      the machine's recent CPU use, 0..1 (negative when unknown)
 * @param sysLoad      the one-minute load average per core (negative when unknown)
 * @param updatedAtMs  when the node wrote these stats (its wall clock, ms since the epoch)
 */
public record NodeStats(int rooms, int participants, double cpuLoad, double sysLoad, long updatedAtMs) {
  public NodeStats {
    if (rooms < 0 || participants < 0) {
      throw new IllegalArgumentException("negative counts in node stats");
    }
  }
}
