package io.osprey.cli.janus;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.osprey.sdk.media.MediaSample;
import io.osprey.sdk.media.SyntheticSource;
import io.osprey.sdk.media.rtp.RtpPacketizer;
import io.osprey.transport.io.UdpPeer;
import io.osprey.transport.session.PeerSession;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Paces one synthetic track out of a {@link PeerSession} on its loop: sample {@code n} leaves at
 * {@code start + n / rate}, stamped with its send time just before packetizing (the probe the
 * receivers time), as RTP (RFC 3550 §5.1) with a random initial sequence number and timestamp.
 */
final class SyntheticSender {
  private static final int MAX_PAYLOAD = 1160; // 1200-byte datagrams after the RTP header and SRTP tag
  private final EventLoop loop;
  private final PeerSession session;
  private final UdpPeer peer;
  private final SyntheticSource source;
  private final RtpPacketizer packetizer;
  private final boolean video;
  private final int payloadType;
  private final int clockRate;
  private final long ssrc;
  private final byte[] scratch = new byte[1500];
  private final long rtpBase = new SecureRandom().nextInt() & 0xffffffffL;
  private int seq = new SecureRandom().nextInt(0x10000);
  private long startNanos;
  private ScheduledFuture<?> timer;
  private boolean stopped;
  private MediaSample pending;

  SyntheticSender(UdpPeer peer, PeerSession session, SyntheticSource source, boolean video, int payloadType,
                  int clockRate, long ssrc) {
    this.loop = peer.eventLoop();
    this.peer = peer;
    this.session = session;
    this.source = source;
    this.packetizer = RtpPacketizer.forMimeType(source.mimeType(), MAX_PAYLOAD, 1280, 720);
    this.video = video;
    this.payloadType = payloadType;
    this.clockRate = clockRate;
    this.ssrc = ssrc;
  }

  /** Starts sending (on the loop). */
  void start() {
    startNanos = System.nanoTime();
    pump();
  }

  /** Stops sending (on the loop). */
  void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private void pump() {
    if (stopped) {
      return;
    }
    long now = System.nanoTime();
    while (true) {
      if (pending == null) {
        pending = source.next();
      }
      long due = startNanos + source.timebase().toNanos(pending.pts());
      if (due > now) {
        timer = loop.schedule(this::pump, due - now, TimeUnit.NANOSECONDS);
        return;
      }
      send(pending, now);
      pending = null;
    }
  }

  private void send(MediaSample sample, long now) {
    source.beforeSend(sample, now);
    long timestamp = (rtpBase + source.timebase().toRtp(sample.pts(), clockRate)) & 0xffffffffL;
    List<byte[]> payloads = packetizer.packetize(sample.data(), sample.keyFrame());
    for (int i = 0; i < payloads.size(); i++) {
      byte[] payload = payloads.get(i);
      boolean marker = video && i == payloads.size() - 1;
      scratch[0] = (byte) 0x80;
      scratch[1] = (byte) ((marker ? 0x80 : 0) | payloadType);
      scratch[2] = (byte) (seq >> 8);
      scratch[3] = (byte) seq;
      scratch[4] = (byte) (timestamp >> 24);
      scratch[5] = (byte) (timestamp >> 16);
      scratch[6] = (byte) (timestamp >> 8);
      scratch[7] = (byte) timestamp;
      scratch[8] = (byte) (ssrc >> 24);
      scratch[9] = (byte) (ssrc >> 16);
      scratch[10] = (byte) (ssrc >> 8);
      scratch[11] = (byte) ssrc;
      seq = (seq + 1) & 0xffff;
      System.arraycopy(payload, 0, scratch, 12, payload.length);
      session.sendRtp(scratch, 0, 12 + payload.length);
    }
    peer.flush();
  }
}
