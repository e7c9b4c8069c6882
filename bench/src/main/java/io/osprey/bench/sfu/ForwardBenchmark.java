package io.osprey.bench.sfu;

import io.osprey.sfu.buffer.PacketCache;
import io.osprey.sfu.codec.VideoCodec;
import io.osprey.sfu.forward.Forwarder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The SFU's per-packet work for one published VP8 packet of 1200 bytes: detect a key frame, keep
 * it in the retransmission cache, then for each of {@code subscribers} decide the layer and write
 * the rewritten copy (SSRC, payload type, seq/ts, VP8 picture id) into a send buffer. Encryption
 * and the socket are measured elsewhere (SRTP benchmark).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ForwardBenchmark {
  @Param({"1", "10"})
  public int subscribers;

  private final byte[] packet = new byte[1200];
  private final byte[] out = new byte[1500];
  private final PacketCache cache = new PacketCache(512, 1500);
  private Forwarder[] forwarders;
  private int seq;
  private long ts;
  private long now;

  @Setup
  public void setup() {
    packet[0] = (byte) 0x80;
    packet[1] = 96;
    packet[12] = (byte) 0x90; // VP8 descriptor: X, S, partition 0
    packet[13] = (byte) 0x80; // I
    packet[14] = (byte) 0x80; // 15-bit picture id
    forwarders = new Forwarder[subscribers];
    for (int i = 0; i < subscribers; i++) {
      forwarders[i] = new Forwarder(VideoCodec.VP8, 90000, 0x1000 + i, 96, 1024);
    }
  }

  @Benchmark
  public int forwardToSubscribers() {
    seq = (seq + 1) & 0xffff;
    ts += 3000;
    now += 33_000_000L;
    packet[2] = (byte) (seq >> 8);
    packet[3] = (byte) seq;
    packet[15] = (byte) seq;
    boolean key = VideoCodec.VP8.isKeyFrame(packet, 12, packet.length - 12);
    cache.put(seq, packet, 0, packet.length);
    int written = 0;
    for (Forwarder f : forwarders) {
      written += f.forward(packet, 0, packet.length, 12, seq, ts, 0, key, out, 0, now);
    }
    return written;
  }
}
