package io.osprey.cli.load;

import java.util.concurrent.CompletableFuture;

/**
 * A server the load test drives: it joins publishers (one synthetic or file track each) and
 * subscribers (receiving every published track) in its own protocol, on shared event loops.
 */
public interface LoadTarget extends AutoCloseable {
  /** Joins {@code identity} publishing one video or audio track; completes once it is sending. */
  CompletableFuture<Void> joinPublisher(String identity, boolean video);

  /**
   * Joins {@code identity} subscribing to every published track, each counted by a
   * {@link TrackCounter} from {@code meter}; completes once joined.
   */
  CompletableFuture<Void> joinSubscriber(String identity, SubscriberMeter meter);

  /** Everyone leaves. */
  @Override
  void close();
}
