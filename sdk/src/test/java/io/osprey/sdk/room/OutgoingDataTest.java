package io.osprey.sdk.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OutgoingDataTest {
  private static final long SECOND = 1_000_000_000L;

  private final List<String> sent = new ArrayList<>();

  private boolean send(byte[] packet, CompletableFuture<Void> done) {
    sent.add(new String(packet));
    return true;
  }

  private static CompletableFuture<Void> hold(OutgoingData data, String message) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    assertThat(data.hold(message.getBytes(), done)).isTrue();
    return done;
  }

  @Test
  void heldMessagesWaitForThoseWhoWereThereAndGoInOrder() {
    OutgoingData data = new OutgoingData();
    data.lost(List.of("bob"));
    CompletableFuture<Void> first = hold(data, "1");
    hold(data, "2");
    assertThat(data.flush(Set.<String>of()::contains, this::send, 0)).isFalse();
    assertThat(sent).isEmpty();
    assertThat(data.flush(Set.of("bob")::contains, this::send, SECOND)).isTrue();
    assertThat(sent).containsExactly("1", "2");
    assertThat(first).isCompleted();
    assertThat(data.holding()).isFalse();
  }

  @Test
  void theWaitCountsFromTheReturnNotFromTheLoss() {
    OutgoingData data = new OutgoingData();
    data.lost(List.of("bob"));
    hold(data, "1");
    // back 6 s after the loss (a node died; the cluster took 5 s to notice): bob is still rejoining
    long back = 6 * SECOND;
    assertThat(data.flush(Set.<String>of()::contains, this::send, back)).isFalse();
    assertThat(data.flush(Set.<String>of()::contains, this::send, back + OutgoingData.AWAIT_NANOS - 1)).isFalse();
    assertThat(sent).as("still waiting for bob").isEmpty();
    assertThat(data.flush(Set.<String>of()::contains, this::send, back + OutgoingData.AWAIT_NANOS)).isTrue();
    assertThat(sent).as("the wait is over: sent to whoever is there").containsExactly("1");
  }

  @Test
  void aNewLossStartsANewWait() {
    OutgoingData data = new OutgoingData();
    data.lost(List.of("bob"));
    hold(data, "1");
    data.flush(Set.<String>of()::contains, this::send, 0);
    data.lost(List.of("bob")); // lost again before bob came back
    long back = 10 * SECOND;
    assertThat(data.flush(Set.<String>of()::contains, this::send, back)).isFalse();
    assertThat(data.flush(Set.of("bob")::contains, this::send, back + 1)).isTrue();
    assertThat(sent).containsExactly("1");
  }
}
