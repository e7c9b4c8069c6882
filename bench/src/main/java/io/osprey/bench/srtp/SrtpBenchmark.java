package io.osprey.bench.srtp;

import io.osprey.transport.srtp.SrtpContext;
import io.osprey.transport.srtp.SrtpException;
import io.osprey.transport.srtp.SrtpProfile;
import java.util.Random;
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
 * SRTP protect and unprotect of a 1200-byte RTP packet, per profile: the per-packet crypto every
 * forwarded packet pays twice (unprotect from the publisher, protect to each subscriber).
 * {@code contexts} senders (each its own key, as each subscriber of a fan-out has) take turns, so
 * per-key state that does not fit the caches shows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SrtpBenchmark {
  @Param({"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
  public SrtpProfile profile;

  @Param({"1", "100"})
  public int contexts;

  private SrtpContext[] senders;
  private int next;
  private SrtpContext receiver;
  private final byte[] plain = new byte[1200];
  private final byte[] work = new byte[1300];
  private byte[] protectedPacket;
  private int protectedLength;
  private int seq;

  @Setup
  public void setup() throws SrtpException {
    Random r = new Random(1);
    byte[] key = new byte[profile.keyLength()];
    byte[] salt = new byte[profile.saltLength()];
    r.nextBytes(key);
    r.nextBytes(salt);
    senders = new SrtpContext[contexts];
    for (int i = 0; i < contexts; i++) {
      byte[] k = key.clone();
      k[0] ^= (byte) i;
      senders[i] = new SrtpContext(profile, k, salt, false);
    }
    receiver = new SrtpContext(profile, key, salt, false);
    r.nextBytes(plain);
    plain[0] = (byte) 0x80;
    plain[1] = 96;
    protectedPacket = new byte[1300];
    System.arraycopy(plain, 0, protectedPacket, 0, 1200);
    protectedLength = new SrtpContext(profile, key, salt, false).protectRtp(protectedPacket, 0, 1200);
  }

  @Benchmark
  public int protect() throws SrtpException {
    System.arraycopy(plain, 0, work, 0, 1200);
    seq = (seq + 1) & 0xffff;
    work[2] = (byte) (seq >> 8);
    work[3] = (byte) seq;
    SrtpContext sender = senders[next];
    next = next + 1 == contexts ? 0 : next + 1;
    return sender.protectRtp(work, 0, 1200);
  }

  @Benchmark
  public int unprotect() throws SrtpException {
    System.arraycopy(protectedPacket, 0, work, 0, protectedLength);
    return receiver.unprotectRtp(work, 0, protectedLength);
  }
}
