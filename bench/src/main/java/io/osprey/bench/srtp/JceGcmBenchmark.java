package io.osprey.bench.srtp;

import java.security.GeneralSecurityException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The JCE's AES/GCM/NoPadding used the way SrtpContext used it before it had its own GCM: one
 * {@code init} with a new GCMParameterSpec per packet (the JCE refuses to encrypt twice under one
 * IV), a 12-byte header as AAD, 1188 bytes sealed in place. The reference that
 * {@code SrtpBenchmark}'s AEAD_AES_128_GCM rows are read against.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JceGcmBenchmark {
  private static final int HEADER = 12;
  private static final int PAYLOAD = 1188;

  /** Keys taking turns, as SrtpBenchmark's contexts. */
  @Param({"1", "100"})
  public int contexts;

  private Cipher gcm;
  private SecretKeySpec key;
  private SecretKeySpec[] keys;
  private int next;
  private final byte[] iv = new byte[12];
  private final byte[] openIv = new byte[12];
  private final byte[] plain = new byte[HEADER + PAYLOAD];
  private final byte[] work = new byte[HEADER + PAYLOAD + 16];
  private byte[] sealed;
  private int counter;

  @Setup
  public void setup() throws GeneralSecurityException {
    Random r = new Random(1);
    byte[] k = new byte[16];
    r.nextBytes(k);
    r.nextBytes(openIv);
    System.arraycopy(openIv, 0, iv, 0, 12);
    r.nextBytes(plain);
    key = new SecretKeySpec(k, "AES");
    keys = new SecretKeySpec[contexts];
    for (int i = 0; i < contexts; i++) {
      byte[] ki = k.clone();
      ki[0] ^= (byte) i;
      keys[i] = new SecretKeySpec(ki, "AES");
    }
    gcm = Cipher.getInstance("AES/GCM/NoPadding");
    sealed = new byte[work.length];
    System.arraycopy(plain, 0, sealed, 0, plain.length);
    gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, openIv, 0, 12));
    gcm.updateAAD(sealed, 0, HEADER);
    gcm.doFinal(sealed, HEADER, PAYLOAD, sealed, HEADER);
  }

  @Benchmark
  public int seal() throws GeneralSecurityException {
    System.arraycopy(plain, 0, work, 0, plain.length);
    counter++;
    iv[10] = (byte) (counter >> 8);
    iv[11] = (byte) counter; // a new IV per packet, as the sequence number gives SRTP
    SecretKeySpec k = keys[next];
    next = next + 1 == contexts ? 0 : next + 1;
    gcm.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, iv, 0, 12));
    gcm.updateAAD(work, 0, HEADER);
    return gcm.doFinal(work, HEADER, PAYLOAD, work, HEADER);
  }

  @Benchmark
  public int open() throws GeneralSecurityException {
    System.arraycopy(sealed, 0, work, 0, sealed.length);
    gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, openIv, 0, 12));
    gcm.updateAAD(work, 0, HEADER);
    return gcm.doFinal(work, HEADER, PAYLOAD + 16, work, HEADER);
  }
}
