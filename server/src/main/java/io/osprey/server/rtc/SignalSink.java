package io.osprey.server.rtc;

import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;

/** Where a participant's signal responses go: its WebSocket. Callable from any thread. */
public interface SignalSink {
  void send(SignalResponse response);

  /** Closes the signal connection (after what was sent). */
  void close();
}
