package io.osprey.bench.sfu;

import io.osprey.sfu.buffer.PacketCache;
import io.osprey.sfu.codec.VideoCodec;
import io.osprey.sfu.forward.Forwarder;
import io.osprey.transport.srtp.SrtpContext;
import io.osprey.transport.srtp.SrtpException;
import io.osprey.transport.srtp.SrtpProfile;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The media path of one published packet without the sockets (issue 7): receive (SRTP unprotect
 * of a 1200-byte VP8 packet), key-frame check and retransmission cache, then for each of
 * {@code subscribers} the rewrite into a send buffer ({@link Forwarder}: layer, SSRC, payload
 * type, seq/ts, VP8 picture id) and SRTP protect under that subscriber's own keys. Divide the time
 * by {@code subscribers} for the cost per egress packet; {@code -prof gc} shows what it allocates
 * (nothing). The socket's share is {@code ForwardFloorBenchmark}'s and the whole server's is the
 * load tester's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PipelineBenchmark {
  @Param({"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
  public SrtpProfile profile;

  @Param({"1", "10", "100"})
  public int subscribers;

  private static final int SIZE = 1200;

  private final byte[] plain = new byte[1500];
  private final byte[] received = new byte[1500];
  private final byte[] send = new byte[1500];
  private final PacketCache cache = new PacketCache(512, 1500);
  private SrtpContext publisher;
  private SrtpContext ingress;
  private SrtpContext[] egress;
  private Forwarder[] forwarders;
  private int seq;
  private long ts;
  private long now;

  @Setup(Level.Trial)
  public void setup() {
    Random r = new Random(1);
    r.nextBytes(plain);
    plain[0] = (byte) 0x80;
    plain[1] = 96;
    plain[8] = 0x12; // the publisher's SSRC
    plain[12] = (byte) 0x90; // VP8 descriptor: X, S, partition 0
    plain[13] = (byte) 0x80; // I
    plain[14] = (byte) 0x80; // 15-bit picture id
    byte[] key = new byte[profile.keyLength()];
    byte[] salt = new byte[profile.saltLength()];
    r.nextBytes(key);
    r.nextBytes(salt);
    publisher = new SrtpContext(profile, key, salt, false);
    ingress = new SrtpContext(profile, key, salt, false);
    egress = new SrtpContext[subscribers];
    forwarders = new Forwarder[subscribers];
    for (int i = 0; i < subscribers; i++) {
      r.nextBytes(key);
      r.nextBytes(salt);
      egress[i] = new SrtpContext(profile, key.clone(), salt.clone(), false);
      forwarders[i] = new Forwarder(VideoCodec.VP8, 90000, 0x1000 + i, 96, 1024);
    }
  }

  /** The publisher's next packet, as it arrives (protected); not part of the measured path's cost model. */
  private int nextIngress() throws SrtpException {
    seq = (seq + 1) & 0xffff;
    ts += 3000;
    now += 33_000_000L;
    plain[2] = (byte) (seq >> 8);
    plain[3] = (byte) seq;
    plain[15] = (byte) seq;
    System.arraycopy(plain, 0, received, 0, SIZE);
    return publisher.protectRtp(received, 0, SIZE);
  }

  /** Protecting the ingress packet, alone: subtract it from {@link #receiveAndFanOut()}. */
  @Benchmark
  public int publisherSideOnly() throws SrtpException {
    return nextIngress();
  }

  /** One ingress packet through the whole path to every subscriber's protected copy. */
  @Benchmark
  public int receiveAndFanOut() throws SrtpException {
    int length = ingress.unprotectRtp(received, 0, nextIngress());
    boolean key = VideoCodec.VP8.isKeyFrame(received, 12, length - 12);
    cache.put(seq, received, 0, length);
    int bytes = 0;
    for (int i = 0; i < forwarders.length; i++) {
      int n = forwarders[i].forward(received, 0, length, 12, seq, ts, 0, key, send, 0, now);
      if (n > 0) {
        bytes += egress[i].protectRtp(send, 0, n);
      }
    }
    return bytes;
  }
}
