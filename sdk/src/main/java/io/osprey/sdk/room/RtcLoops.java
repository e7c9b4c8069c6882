package io.osprey.sdk.room;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.osprey.transport.dtls.DtlsCertificate;
import io.osprey.transport.io.NativeTransport;

/**
 * The process-wide defaults rooms share: one event loop group (daemon threads, one per core at
 * most two), and one DTLS certificate, made on first use. A room's signalling (its WebSocket), peer connection and
 * media pacing all run on one loop of the group.
 */
public final class RtcLoops {
  static final NativeTransport TRANSPORT = NativeTransport.detect();
  private static volatile EventLoopGroup shared;
  private static volatile DtlsCertificate certificate;

  private RtcLoops() {}

  /** A new group of {@code threads} loops on this host's native transport, with daemon threads. */
  public static EventLoopGroup newGroup(int threads) {
    return TRANSPORT.newGroup(threads, new DefaultThreadFactory("osprey-rtc", true));
  }

  /** The group rooms use unless their options name another. */
  public static EventLoopGroup shared() {
    EventLoopGroup g = shared;
    if (g == null) {
      synchronized (RtcLoops.class) {
        g = shared;
        if (g == null) {
          shared = g = newGroup(Math.min(2, Runtime.getRuntime().availableProcessors()));
        }
      }
    }
    return g;
  }


  static DtlsCertificate certificate() {
    DtlsCertificate c = certificate;
    if (c == null) {
      synchronized (RtcLoops.class) {
        c = certificate;
        if (c == null) {
          certificate = c = DtlsCertificate.generate();
        }
      }
    }
    return c;
  }
}
