package io.osprey.server.routing;

import io.osprey.server.config.ServerConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Chooses the node for a new room among the candidates (livekit's {@code routing/selector}): only
 * serving nodes; for {@code cpuload}/{@code sysload} only those under the limit (all of them when
 * none is); then the {@code sort_by} order and the {@code lowest} or {@code twochoice} algorithm.
 * A pure function of the candidates and the random source.
 */
public final class NodeSelector {
  private final ServerConfig.NodeSelector config;

  public NodeSelector(ServerConfig.NodeSelector config) {
    this.config = config;
  }

  /** The chosen node, or empty when no candidate is serving. */
  public Optional<NodeInfo> select(List<NodeInfo> candidates, RandomGenerator random) {
    List<NodeInfo> serving = candidates.stream().filter(n -> n.state() == NodeState.SERVING).toList();
    if (serving.isEmpty()) {
      return Optional.empty();
    }
    List<NodeInfo> pool = switch (config.kind()) {
      case "cpuload" -> underLimit(serving, n -> n.stats().cpuLoad(), config.cpuLoadLimit());
      case "sysload" -> underLimit(serving, n -> n.stats().sysLoad(), config.sysloadLimit());
      default -> serving;
    };
    if (config.sortBy().equals("random")) {
      return Optional.of(pool.get(random.nextInt(pool.size())));
    }
    Comparator<NodeInfo> order = switch (config.sortBy()) {
      case "cpuload" -> Comparator.comparingDouble(n -> n.stats().cpuLoad());
      case "sysload" -> Comparator.comparingDouble(n -> n.stats().sysLoad());
      case "rooms" -> Comparator.comparingInt(n -> n.stats().rooms());
      default -> Comparator.comparingInt(n -> n.stats().participants()); // clients
    };
    if (config.algorithm().equals("twochoice") && pool.size() > 2) {
      List<NodeInfo> left = new ArrayList<>(pool);
      NodeInfo a = left.remove(random.nextInt(left.size()));
      NodeInfo b = left.get(random.nextInt(left.size()));
      return Optional.of(order.compare(a, b) <= 0 ? a : b);
    }
    // ties go to a random one of the lowest, so equal nodes share new rooms
    NodeInfo best = pool.stream().min(order).orElseThrow();
    List<NodeInfo> lowest = pool.stream().filter(n -> order.compare(n, best) == 0).toList();
    return Optional.of(lowest.get(random.nextInt(lowest.size())));
  }

  private static List<NodeInfo> underLimit(List<NodeInfo> nodes, java.util.function.ToDoubleFunction<NodeInfo> load,
                                           double limit) {
    List<NodeInfo> under = nodes.stream().filter(n -> load.applyAsDouble(n) < limit).toList();
    return under.isEmpty() ? nodes : under;
  }
}
