package io.osprey.sdk.room;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.osprey.sdk.media.MediaSample;
import io.osprey.sdk.media.SampleSource;
import io.osprey.sdk.media.Timebase;
import io.osprey.sdk.media.rtp.RtpPacketizer;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends one local track's samples as RTP, on the room's loop: sample {@code n} leaves at
 * {@code start + (pts_n - pts_0)} by {@link System#nanoTime()} and carries RTP timestamp
 * {@code base + (pts_n - pts_0)} at the codec clock, both computed from the sample's own timestamp.
 * A looping source continues the timeline where the last sample left it. The last
 * {@value #HISTORY} packets are kept to answer the server's NACKs.
 */
final class TrackSender {
  static final int MAX_PAYLOAD = 1160; // 1200-byte datagrams after the RTP header and SRTP tag
  private static final int HISTORY = 512;
  private static final int MTU = 1500;

  private final LocalTrack track;
  private final SampleSource source;
  private final Timebase timebase;
  private final EventLoop loop;
  private final RtpPacketizer packetizer;
  private final boolean video;
  private final byte[] scratch = new byte[MTU];
  private final byte[][] history = new byte[HISTORY][];
  private final int[] historyLength = new int[HISTORY];
  private final int[] historySeq = new int[HISTORY];
  private RtcEngine engine;
  private long ssrc;
  private int payloadType = -1;
  private int clockRate;
  private int seq = new SecureRandom().nextInt(0x10000);
  private final long rtpBase = new SecureRandom().nextInt() & 0xffffffffL;
  private MediaSample pending;
  private long startNanos;
  private long firstPts = Long.MIN_VALUE;
  private long loopOffset;
  private long lastPts = Long.MIN_VALUE;
  private long lastDelta = 1;
  private long firstSentNanos;
  private long samples;
  private long packets;
  private long bytes;
  private long retransmitted;
  private boolean muted;
  private boolean stopped;
  private ScheduledFuture<?> timer;

  TrackSender(LocalTrack track, EventLoop loop) {
    this.track = track;
    this.source = track.source();
    this.timebase = source.timebase();
    this.loop = loop;
    this.video = track.kind() == io.osprey.protocol.livekit.LivekitModels.TrackType.VIDEO;
    this.packetizer = RtpPacketizer.forMimeType(source.mimeType(), MAX_PAYLOAD, track.options().width(),
        track.options().height());
  }

  /**
   * Sends on {@code engine} as {@code ssrc} with the negotiated payload type and clock; the first
   * call starts the clock, later ones (after a reconnect) carry on the same timeline.
   */
  void bind(RtcEngine engine, long ssrc, int payloadType, int clockRate) {
    this.engine = engine;
    this.ssrc = ssrc;
    this.payloadType = payloadType;
    this.clockRate = clockRate;
    if (timer == null && !stopped) {
      pump();
    }
  }

  /** Media stops leaving (samples still pass, so the timeline stays live) until unmuted. */
  void setMuted(boolean muted) {
    this.muted = muted;
  }

  long ssrc() {
    return ssrc;
  }

  void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel(false);
    }
    track.complete();
  }

  /** The server lost these packets: send them again if still kept. */
  void retransmit(List<Integer> lost) {
    for (int s : lost) {
      int slot = s & (HISTORY - 1);
      if (history[slot] != null && historySeq[slot] == s && engine != null) {
        System.arraycopy(history[slot], 0, scratch, 0, historyLength[slot]);
        if (engine.sendRtp(scratch, historyLength[slot])) {
          retransmitted++;
        }
      }
    }
  }

  private void pump() {
    timer = null;
    try {
      while (!stopped) {
        if (pending == null) {
          pending = read();
          if (pending == null) {
            stopped = true;
            track.complete();
            return;
          }
        }
        long now = System.nanoTime();
        if (firstPts == Long.MIN_VALUE) {
          firstPts = pending.pts();
          startNanos = now;
        }
        long due = startNanos + timebase.toNanos(pending.pts() + loopOffset - firstPts);
        if (due > now) {
          timer = loop.schedule(this::pump, due - now, TimeUnit.NANOSECONDS);
          return;
        }
        send(pending, now);
        pending = null;
      }
    } catch (IOException | RuntimeException e) {
      stopped = true;
      track.fail(e);
    }
  }

  private MediaSample read() throws IOException {
    MediaSample s = source.next();
    if (s == null && track.options().loop() && lastPts != Long.MIN_VALUE) {
      source.rewind();
      loopOffset += lastPts - firstPts + lastDelta;
      lastPts = Long.MIN_VALUE;
      s = source.next();
    }
    if (s != null && lastPts != Long.MIN_VALUE && s.pts() > lastPts) {
      lastDelta = s.pts() - lastPts;
    }
    if (s != null) {
      lastPts = s.pts();
    }
    return s;
  }

  private void send(MediaSample sample, long now) {
    long mediaTicks = sample.pts() + loopOffset - firstPts;
    if (samples == 0) {
      firstSentNanos = now;
    }
    samples++;
    if (engine == null || payloadType < 0 || muted) {
      return;
    }
    source.beforeSend(sample, now);
    long timestamp = (rtpBase + timebase.toRtp(mediaTicks, clockRate)) & 0xffffffffL;
    List<byte[]> payloads = packetizer.packetize(sample.data(), sample.keyFrame());
    for (int i = 0; i < payloads.size(); i++) {
      byte[] payload = payloads.get(i);
      boolean marker = video && i == payloads.size() - 1;
      int len = writeHeader(marker, timestamp);
      System.arraycopy(payload, 0, scratch, len, payload.length);
      len += payload.length;
      keep(len);
      if (engine.sendRtp(scratch, len)) {
        packets++;
        bytes += len;
      }
    }
    track.stats = stats(now, mediaTicks);
  }

  private LocalTrack.Stats stats(long now, long mediaTicks) {
    return new LocalTrack.Stats(samples, packets, bytes, retransmitted, Duration.ofNanos(timebase.toNanos(mediaTicks)),
        Duration.ofNanos(now - firstSentNanos));
  }

  private int writeHeader(boolean marker, long timestamp) {
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
    return 12;
  }

  private void keep(int len) {
    int s = ((scratch[2] & 0xff) << 8) | (scratch[3] & 0xff);
    int slot = s & (HISTORY - 1);
    if (history[slot] == null) {
      history[slot] = new byte[MTU];
    }
    System.arraycopy(scratch, 0, history[slot], 0, len);
    historyLength[slot] = len;
    historySeq[slot] = s;
  }
}
