package io.osprey.server.routing;

import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the registry entry of a node that cannot be reached to expire. A node is gone when it
 * has not refreshed its entry for {@link RedisScripts#ENTRY_TTL_MS} (livekit's staleness rule), and
 * only then may its rooms change hands; a join for a room whose owner was just killed would be
 * refused until that moment, so it waits for it instead: the entry's time to live is read, and
 * read again when it should have run out. A node whose entry lives on past one time to live (and
 * a little) is refreshing it: alive, only unreachable from here. One wait per node, shared by all
 * who ask; never longer than {@link #LIMIT_MS}.
 */
final class NodeExpiry {
  private static final Logger log = LoggerFactory.getLogger(NodeExpiry.class);
  /** After this long an entry that has not expired is being refreshed. */
  static final long LIMIT_MS = RedisScripts.ENTRY_TTL_MS + 1_000;
  /** Read again this long after the entry should have expired. */
  private static final long SLACK_MS = 20;

  private final RedisAsyncCommands<String, byte[]> redis;
  private final ScheduledExecutorService timer;
  private final Map<String, CompletableFuture<Boolean>> waits = new ConcurrentHashMap<>();

  NodeExpiry(RedisAsyncCommands<String, byte[]> redis, ScheduledExecutorService timer) {
    this.redis = redis;
    this.timer = timer;
  }

  /** True once {@code node}'s entry has expired; false if it is still refreshed, or Redis cannot tell. */
  CompletableFuture<Boolean> awaitGone(String node) {
    CompletableFuture<Boolean> mine = new CompletableFuture<>();
    CompletableFuture<Boolean> waiting = waits.putIfAbsent(node, mine);
    if (waiting != null) {
      return waiting;
    }
    long started = System.nanoTime();
    check(node, started, mine, true);
    mine.whenComplete((gone, e) -> waits.remove(node, mine));
    return mine;
  }

  private void check(String node, long started, CompletableFuture<Boolean> answer, boolean first) {
    RedisRouter.send(() -> redis.pttl(RedisScripts.nodeKey(node))).whenComplete((ttl, error) -> {
      long waitedMs = (System.nanoTime() - started) / 1_000_000;
      if (error != null || ttl == -1) {
        answer.complete(false); // Redis away, or an entry that never expires: nothing to wait for
      } else if (ttl == -2) {
        if (!first) {
          log.info("routing: node {} is gone: its registry entry expired ({} ms after its connection was refused);"
              + " its rooms are placed anew", node, waitedMs);
        }
        answer.complete(true);
      } else if (waitedMs + ttl > LIMIT_MS) {
        log.warn("routing: node {} cannot be reached from here but keeps its registry entry alive", node);
        answer.complete(false);
      } else {
        if (first) {
          log.info("routing: node {} cannot be reached but its registry entry is live; waiting {} ms for it to expire",
              node, ttl);
        }
        try {
          timer.schedule(() -> check(node, started, answer, false), ttl + SLACK_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) { // the router closed
          answer.complete(false);
        }
      }
    });
  }
}
