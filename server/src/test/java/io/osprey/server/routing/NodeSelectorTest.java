package io.osprey.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.server.config.ServerConfig;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The node selector: only serving nodes, limits, orders and algorithms as livekit's selectors. */
class NodeSelectorTest {
  private static NodeInfo node(String id, NodeState state, int rooms, int clients, double cpu, double sys) {
    return new NodeInfo(id, URI.create("http://127.0.0.1:7880"), "", "", state,
        new NodeStats(rooms, clients, cpu, sys, 0), "");
  }

  private static final NodeInfo BUSY = node("ND_busy", NodeState.SERVING, 9, 90, 0.95, 0.95);
  private static final NodeInfo CALM = node("ND_calm", NodeState.SERVING, 2, 40, 0.30, 0.20);
  private static final NodeInfo IDLE = node("ND_idle", NodeState.SERVING, 5, 10, 0.10, 0.50);
  private static final NodeInfo DRAINING = node("ND_drain", NodeState.SHUTTING_DOWN, 0, 0, 0, 0);
  private static final NodeInfo STARTING = node("ND_new", NodeState.STARTING, 0, 0, 0, 0);

  private static Set<String> picks(ServerConfig.NodeSelector config, List<NodeInfo> nodes) {
    SplittableRandom random = new SplittableRandom(7);
    NodeSelector selector = new NodeSelector(config);
    Set<String> chosen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      selector.select(nodes, random).ifPresent(n -> chosen.add(n.id()));
    }
    return chosen;
  }

  @Test
  void anyPicksAmongServingNodesOnly() {
    assertThat(picks(ServerConfig.NodeSelector.DEFAULT, List.of(BUSY, CALM, DRAINING, STARTING)))
        .containsExactlyInAnyOrder("ND_busy", "ND_calm");
    assertThat(new NodeSelector(ServerConfig.NodeSelector.DEFAULT).select(List.of(DRAINING, STARTING),
        new SplittableRandom(1))).isEmpty();
  }

  @Test
  void loadKindsDropNodesOverTheLimitUnlessAllAre() {
    var cpu = new ServerConfig.NodeSelector("cpuload", "random", "lowest", 0.9, 0.9);
    assertThat(picks(cpu, List.of(BUSY, CALM, IDLE))).containsExactlyInAnyOrder("ND_calm", "ND_idle");
    assertThat(picks(cpu, List.of(BUSY))).containsExactly("ND_busy");
    var sys = new ServerConfig.NodeSelector("sysload", "random", "lowest", 0.9, 0.4);
    assertThat(picks(sys, List.of(BUSY, CALM, IDLE))).containsExactly("ND_calm");
  }

  @Test
  void sortedKindsPickTheLowest() {
    List<NodeInfo> nodes = List.of(BUSY, CALM, IDLE);
    assertThat(picks(new ServerConfig.NodeSelector("any", "rooms", "lowest", 0.9, 0.9), nodes)).containsExactly("ND_calm");
    assertThat(picks(new ServerConfig.NodeSelector("any", "clients", "lowest", 0.9, 0.9), nodes)).containsExactly("ND_idle");
    assertThat(picks(new ServerConfig.NodeSelector("any", "cpuload", "lowest", 0.9, 0.9), nodes)).containsExactly("ND_idle");
    assertThat(picks(new ServerConfig.NodeSelector("any", "sysload", "lowest", 0.9, 0.9), nodes)).containsExactly("ND_calm");
  }

  @Test
  void twoChoiceNeverPicksTheWorstOfThree() {
    Set<String> chosen = picks(new ServerConfig.NodeSelector("any", "rooms", "twochoice", 0.9, 0.9),
        List.of(BUSY, CALM, IDLE));
    assertThat(chosen).containsExactlyInAnyOrder("ND_calm", "ND_idle");
  }
}
