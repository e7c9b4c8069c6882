package io.osprey.server.routing;

/**
 * The cluster's keys in Redis and the Lua scripts that change them atomically. Everything is
 * under {@code osprey:} so a LiveKit cluster sharing the database is not disturbed:
 * <ul>
 *   <li>{@code osprey:node:<id>}: the node's registry entry (JSON, {@link NodeInfo}), written
 *       every heartbeat with a 5 s expiry. A node is live exactly while its entry exists and
 *       parses, so Redis's clock alone judges a node's age (no skew between nodes' clocks).</li>
 *   <li>{@code osprey:nodes}: the set of node ids that may have an entry (dead ids are pruned by
 *       readers).</li>
 *   <li>{@code osprey:room_node}: room name to owning node id, the placement record. Written
 *       only by the scripts below: a room's entry changes hands only when its owner is not live,
 *       and the entries of owners that are gone are swept away ({@link #SWEEP}).</li>
 *   <li>{@code osprey:node_rooms:<id>}: the node's rooms (name to {@code livekit.Room} protobuf),
 *       a listing view rewritten every heartbeat and expiring with the node's entry.</li>
 * </ul>
 */
final class RedisScripts {
  static final String NODE_PREFIX = "osprey:node:";
  static final String NODES = "osprey:nodes";
  static final String ROOM_NODE = "osprey:room_node";
  static final String NODE_ROOMS_PREFIX = "osprey:node_rooms:";
  /** How long a registry entry (and listing) lives without a heartbeat: the 5 s of livekit's staleness rule. */
  static final long ENTRY_TTL_MS = 5_000;

  private RedisScripts() {}

  /**
   * The entry of node {@code id} if it is live: it exists and has what {@link NodeInfo#parse}
   * requires (id, http_url, a known state, stats), else false. ARGV[1] is {@link #NODE_PREFIX}.
   */
  private static final String ALIVE = """
      local function alive(id)
        local v = redis.call('GET', ARGV[1] .. id)
        if not v then return false end
        local ok, e = pcall(cjson.decode, v)
        if not ok or type(e) ~= 'table' or e.id ~= id or type(e.http_url) ~= 'string' then return false end
        if e.state ~= 'starting' and e.state ~= 'serving' and e.state ~= 'shutting_down' then return false end
        if type(e.stats) ~= 'table' or type(e.stats.rooms) ~= 'number' then return false end
        return v
      end
      """;

  /**
   * Claim: KEYS = room_node; ARGV = prefix, room, candidate. Keeps a live owner; otherwise
   * records the candidate. Returns {owner, owner's entry or nil, previous dead owner or nil}.
   */
  static final String CLAIM = ALIVE + """
      local cur = redis.call('HGET', KEYS[1], ARGV[2])
      if cur then
        local entry = alive(cur)
        if entry then return {cur, entry, false} end
      end
      redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
      return {ARGV[3], alive(ARGV[3]), cur}
      """;

  /** Locate: KEYS = room_node; ARGV = prefix, room. Returns {owner, entry} for a live owner, else nil. */
  static final String LOCATE = ALIVE + """
      local cur = redis.call('HGET', KEYS[1], ARGV[2])
      if not cur then return false end
      local entry = alive(cur)
      if not entry then return false end
      return {cur, entry}
      """;

  /**
   * Publish one room hosted here: KEYS = room_node, node_rooms:self; ARGV = prefix, self, ttl,
   * room, Room bytes. Claims the room unless another live node owns it, and lists it. Returns
   * the owner: self, or the other node (a conflict).
   */
  static final String PUBLISH = ALIVE + """
      local cur = redis.call('HGET', KEYS[1], ARGV[4])
      if cur and cur ~= ARGV[2] and alive(cur) then return cur end
      if cur ~= ARGV[2] then redis.call('HSET', KEYS[1], ARGV[4], ARGV[2]) end
      redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
      redis.call('PEXPIRE', KEYS[2], ARGV[3])
      return ARGV[2]
      """;

  /** Release a room that closed here: KEYS = room_node, node_rooms:self; ARGV = self, room. */
  static final String RELEASE = """
      if redis.call('HGET', KEYS[1], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[1], ARGV[2]) end
      redis.call('HDEL', KEYS[2], ARGV[2])
      return 1
      """;

  /** Unplace a room chosen for a node that cannot be reached: KEYS = room_node; ARGV = room, that node. */
  static final String UNPLACE = """
      if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
      return 0
      """;

  /**
   * Heartbeat: KEYS = node:self, nodes, node_rooms:self, room_node; ARGV = prefix, self, ttl,
   * entry JSON, then room, Room bytes pairs for every room hosted here. Writes the entry with its
   * expiry, rewrites the listing, and re-claims each room (after a Redis restart the placement
   * record is rebuilt from the owners' truth). Returns the rooms another live node owns, as
   * {room, owner, ...} pairs.
   */
  static final String HEARTBEAT = ALIVE + """
      redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[3])
      redis.call('SADD', KEYS[2], ARGV[2])
      redis.call('DEL', KEYS[3])
      local conflicts = {}
      for i = 5, #ARGV, 2 do
        local room = ARGV[i]
        local cur = redis.call('HGET', KEYS[4], room)
        if cur and cur ~= ARGV[2] and alive(cur) then
          conflicts[#conflicts + 1] = room
          conflicts[#conflicts + 1] = cur
        else
          if cur ~= ARGV[2] then redis.call('HSET', KEYS[4], room, ARGV[2]) end
          redis.call('HSET', KEYS[3], room, ARGV[i + 1])
        end
      end
      redis.call('PEXPIRE', KEYS[3], ARGV[3])
      return conflicts
      """;

  /**
   * Leave the cluster: KEYS = node:self, nodes, node_rooms:self, room_node; ARGV = self, then the
   * rooms to release. Removes the entry and listing, and this node's claims on those rooms.
   */
  static final String DEREGISTER = """
      redis.call('DEL', KEYS[1])
      redis.call('SREM', KEYS[2], ARGV[1])
      redis.call('DEL', KEYS[3])
      for i = 2, #ARGV do
        if redis.call('HGET', KEYS[4], ARGV[i]) == ARGV[1] then redis.call('HDEL', KEYS[4], ARGV[i]) end
      end
      return 1
      """;

  /**
   * Sweep (livekit's RemoveDeadNodes, for placements): KEYS = room_node; ARGV = prefix, cursor,
   * count. Looks at about {@code count} placements from {@code cursor} (HSCAN) and removes those
   * whose owner is not live; a live owner's, even a draining one's, is never removed, as the check
   * and the removal are one script. Returns {next cursor, room, owner, room, owner, ...} of what
   * it removed.
   */
  static final String SWEEP = ALIVE + """
      local scan = redis.call('HSCAN', KEYS[1], ARGV[2], 'COUNT', ARGV[3])
      local out = {scan[1]}
      local seen = {}
      local entries = scan[2]
      for i = 1, #entries, 2 do
        local room, owner = entries[i], entries[i + 1]
        if seen[owner] == nil then seen[owner] = alive(owner) and true or false end
        if not seen[owner] then
          redis.call('HDEL', KEYS[1], room)
          out[#out + 1] = room
          out[#out + 1] = owner
        end
      end
      return out
      """;

  static String nodeKey(String id) {
    return NODE_PREFIX + id;
  }

  static String nodeRoomsKey(String id) {
    return NODE_ROOMS_PREFIX + id;
  }
}
