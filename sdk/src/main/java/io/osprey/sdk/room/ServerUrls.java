package io.osprey.sdk.room;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The signal URLs a room may join at, in the order to try them: the one in use first, then the
 * others the application gave ({@link RoomOptions#fallbackUrls()}) or a draining server suggested.
 * A URL that cannot be reached (no TCP connection) goes to the back and the next one is tried at
 * once, each at most once per attempt; a URL that answers, even with a refusal, keeps its place.
 * So a node that died costs a refused connection, not a back-off step, and the back-off between
 * attempts paces a deployment that answers. The same idea as livekit-client's region fail-over
 * ({@code RegionUrlProvider}), for deployments that list their nodes instead of regions. Lives on
 * the room's loop.
 */
final class ServerUrls {
  private final List<URI> order = new ArrayList<>();
  private int triedThisAttempt;

  /** @param first where the application asked to join; {@code others} after it, in order, without repeats */
  ServerUrls(URI first, List<URI> others) {
    LinkedHashSet<URI> all = new LinkedHashSet<>();
    all.add(first);
    all.addAll(others);
    order.addAll(all);
  }

  /** The URL to use now. */
  URI current() {
    return order.get(0);
  }

  /** Every URL known, in the order they would be tried. */
  List<URI> all() {
    return List.copyOf(order);
  }

  /** An attempt (one back-off step) begins, at {@link #current()}. */
  void beginAttempt() {
    triedThisAttempt = 1;
  }

  /**
   * {@code url} could not be reached: it goes to the back. True if another URL not yet tried in
   * this attempt is now {@link #current()}, to be tried at once; false if the attempt has tried
   * them all (or {@code url} is no longer current: a late report changes nothing).
   */
  boolean unreachable(URI url) {
    if (!order.get(0).equals(url)) {
      return false;
    }
    order.remove(0);
    order.add(url);
    if (triedThisAttempt >= order.size()) {
      return false;
    }
    triedThisAttempt++;
    return true;
  }

  /** A server going away suggested where to rejoin: those URLs are tried first, in its order. */
  void suggest(List<URI> urls) {
    LinkedHashSet<URI> all = new LinkedHashSet<>(urls);
    all.addAll(order);
    order.clear();
    order.addAll(all);
  }
}
