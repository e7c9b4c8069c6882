package io.osprey.transport.rtpsession;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TwccTest {
  private static final long MS = 1_000_000;

  private record Message(int count, int base, long[] arrivals) {}

  private static List<Message> flush(TwccRecorder r) {
    List<Message> out = new ArrayList<>();
    r.flush((fbCount, base, arrivals, count) -> out.add(new Message(fbCount, base, Arrays.copyOf(arrivals, count))));
    return out;
  }

  @Test
  void reportsReceivedAndMissingPacketsSinceTheLastFeedback() {
    TwccRecorder r = new TwccRecorder(1024, 256);
    r.handlePacket(10, 1 * MS);
    r.handlePacket(11, 2 * MS);
    r.handlePacket(13, 4 * MS);
    List<Message> m = flush(r);
    assertThat(m).hasSize(1);
    assertThat(m.get(0).base()).isEqualTo(10);
    assertThat(m.get(0).arrivals()).containsExactly(1 * MS, 2 * MS, -1, 4 * MS);
    assertThat(r.hasPending()).isFalse();

    r.handlePacket(14, 5 * MS);
    r.handlePacket(12, 6 * MS); // too late: already reported lost
    m = flush(r);
    assertThat(m).singleElement().satisfies(msg -> {
      assertThat(msg.count()).isEqualTo(1);
      assertThat(msg.base()).isEqualTo(14);
      assertThat(msg.arrivals()).containsExactly(5 * MS);
    });
  }

  @Test
  void cutsLongSpansIntoSeveralMessagesAcrossTheWrap() {
    TwccRecorder r = new TwccRecorder(1024, 100);
    for (int i = 0; i < 250; i++) {
      r.handlePacket((65500 + i) & 0xffff, i * MS);
    }
    List<Message> m = flush(r);
    assertThat(m).extracting(Message::base).containsExactly(65500, (65600) & 0xffff, (65700) & 0xffff);
    assertThat(m).extracting(msg -> msg.arrivals().length).containsExactly(100, 100, 50);
  }

  @Test
  void sendHistoryTurnsFeedbackIntoObservations() {
    TwccSendHistory history = new TwccSendHistory(1024);
    int first = history.handleSent(0, 1200);
    history.handleSent(1 * MS, 1100);
    history.handleSent(2 * MS, 1000, 7);
    List<String> seen = new ArrayList<>();
    history.handleFeedback(first, new long[] {30 * MS, -1, 33 * MS}, 3,
        (sent, arrival, lost, size, tag) -> seen.add(sent / MS + ":" + (lost ? "lost" : arrival / MS) + ":" + size
            + ":" + tag));
    assertThat(seen).containsExactly("0:30:1200:-1", "1:lost:1100:-1", "2:33:1000:7");

    seen.clear();
    history.handleFeedback(first, new long[] {30 * MS}, 1, (s, a, l, z, t) -> seen.add("again"));
    assertThat(seen).isEmpty();
  }
}
