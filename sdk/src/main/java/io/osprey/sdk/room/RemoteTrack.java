package io.osprey.sdk.room;

import io.osprey.protocol.livekit.LivekitModels.TrackType;
import io.osprey.sdk.media.KeyFrames;
import io.osprey.sdk.media.MediaFormatException;
import io.osprey.sdk.media.rtp.RtpDepacketizer;
import io.osprey.wire.WireFormatException;
import io.osprey.wire.rtp.RtpPacket;
import java.nio.file.Path;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A subscribed track's media as it arrives: RTP to every {@link TrackSink}, and whole frames where
 * the codec has a depacketizer. Packets are taken in arrival order; a sequence gap abandons the
 * frame it cut (recorders keep whole frames only) and is counted as lost.
 */
public final class RemoteTrack {
  private final String sid;
  private final TrackType kind;
  private final String mimeType;
  private final int clockRate;
  private final RtpDepacketizer depacketizer;
  private final List<TrackSink> sinks = new CopyOnWriteArrayList<>();
  private final RtpPacket view = new RtpPacket();
  private volatile long packets;
  private volatile long bytes;
  private volatile long frames;
  private volatile long lost;
  private volatile boolean framesWanted = true;
  private int lastSeq = -1;
  private long lastTimestamp = -1;
  private long timestampCycles;

  RemoteTrack(String sid, TrackType kind, String mimeType, int clockRate) {
    this.sid = sid;
    this.kind = kind;
    this.mimeType = mimeType;
    this.clockRate = clockRate;
    RtpDepacketizer d;
    try {
      d = RtpDepacketizer.forMimeType(mimeType);
    } catch (IllegalArgumentException e) {
      d = null; // RTP only
    }
    this.depacketizer = d;
  }

  public String sid() {
    return sid;
  }

  public TrackType kind() {
    return kind;
  }

  /** e.g. {@code video/VP8}. */
  public String mimeType() {
    return mimeType;
  }

  public int clockRate() {
    return clockRate;
  }

  public void addSink(TrackSink sink) {
    sinks.add(sink);
    framesWanted = sinks.stream().anyMatch(TrackSink::wantsFrames);
  }

  public void removeSink(TrackSink sink) {
    sinks.remove(sink);
    framesWanted = sinks.stream().anyMatch(TrackSink::wantsFrames);
  }

  /**
   * Records the track to {@code file}: IVF for VP8/VP9/AV1 video, Ogg Opus for audio. Close the
   * recorder to finish the file (it also finishes when the track is unsubscribed).
   */
  public TrackRecorder record(Path file) throws IOException {
    TrackRecorder recorder = TrackRecorder.create(file, this);
    addSink(recorder);
    return recorder;
  }

  public long packetsReceived() {
    return packets;
  }

  public long bytesReceived() {
    return bytes;
  }

  /** Frames reassembled (none while every sink declines frames, see {@link TrackSink#wantsFrames}). */
  public long framesReceived() {
    return frames;
  }

  /** Packets missing from the sequence (never arrived, or arrived out of order). */
  public long packetsLost() {
    return lost;
  }

  void onRtp(byte[] packet) {
    try {
      view.wrap(packet, 0, packet.length);
    } catch (WireFormatException e) {
      return;
    }
    packets++;
    bytes += packet.length;
    int seq = view.sequenceNumber();
    if (lastSeq >= 0) {
      int gap = (seq - lastSeq - 1) & 0xffff;
      if (gap < 0x8000) {
        lost += gap;
      }
    }
    lastSeq = seq;
    long ts = view.timestamp();
    if (lastTimestamp >= 0 && ts < lastTimestamp && lastTimestamp - ts > 0x80000000L) {
      timestampCycles += 1L << 32;
    }
    lastTimestamp = ts;
    for (TrackSink s : sinks) {
      s.onRtp(packet);
    }
    if (depacketizer == null || !framesWanted) {
      return;
    }
    byte[] payload = java.util.Arrays.copyOfRange(packet, view.payloadOffset(), view.payloadOffset() + view.payloadLength());
    byte[] frame;
    try {
      frame = depacketizer.push(payload, seq, view.marker());
    } catch (MediaFormatException e) {
      return; // a malformed payload loses its frame only
    }
    if (frame != null) {
      frames++;
      boolean key = KeyFrames.isKeyFrame(mimeType, frame);
      for (TrackSink s : sinks) {
        s.onFrame(frame, timestampCycles + ts, key);
      }
    }
  }

  void unsubscribed() {
    for (TrackSink s : sinks) {
      if (s instanceof TrackRecorder r) {
        r.close();
      }
    }
  }
}
