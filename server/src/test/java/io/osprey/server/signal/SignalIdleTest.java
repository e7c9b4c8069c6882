package io.osprey.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client that goes silent (no messages, no pongs to our pings) is disconnected; a live one is not. */
class SignalIdleTest {
  private static EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(new IdleStateHandler(SignalConnection.READ_TIMEOUT_SECONDS, 0, 0, TimeUnit.SECONDS));
    ch.pipeline().addLast(new SignalConnection(ch));
    return ch;
  }

  @Test
  void closesASilentConnectionAfterTheReadTimeout() {
    EmbeddedChannel ch = channel();
    ch.advanceTimeBy(SignalConnection.READ_TIMEOUT_SECONDS - 1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).as("silent for more than the read timeout").isFalse();
  }

  @Test
  void keepsAConnectionThatAnswersPings() {
    EmbeddedChannel ch = channel();
    for (int i = 0; i < 6; i++) {
      ch.advanceTimeBy(10, TimeUnit.SECONDS);
      ch.runScheduledPendingTasks();
      ch.writeInbound(new PongWebSocketFrame());
    }
    assertThat(ch.isOpen()).as("60 s with a pong every 10 s").isTrue();
    ch.finishAndReleaseAll();
  }
}
