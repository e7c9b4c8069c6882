package io.osprey.bench.floor;

import io.osprey.transport.srtp.SrtpContext;
import io.osprey.transport.srtp.SrtpException;
import io.osprey.transport.srtp.SrtpProfile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * The floor under a forwarded packet (issue 7): what any SFU on this JVM and kernel must pay per
 * egress packet of {@code size} bytes (1200, a video packet, unless {@code -p size=} says otherwise;
 * the load tester's Opus packets are about 100), with nothing else: SRTP unprotect of the ingress packet (shared by
 * its fan-out, so divided by {@code fanOut}), SRTP protect for one subscriber, and one loopback UDP
 * send. The JDK has no sendmmsg, so the send is one system call per packet: an upper bound on the
 * batched floor. The receiving socket is drained by nobody; on loopback the kernel does the
 * delivery work in the sender's call either way.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ForwardFloorBenchmark {
  @Param({"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
  public SrtpProfile profile;

  /** Subscribers per ingress packet: the unprotect is paid once for all of them. */
  @Param({"1", "50"})
  public int fanOut;

  /** Bytes of RTP (header and payload) before protection. */
  @Param({"1200"})
  public int size;

  private SrtpContext ingress;
  private SrtpContext egress;
  private final byte[] received = new byte[1300];
  private final byte[] work = new byte[1300];
  private final byte[] decrypted = new byte[1300];
  private int receivedLength;
  private DatagramChannel out;
  private DatagramChannel sink;
  private InetSocketAddress to;
  private ByteBuffer buffer;
  private int seq;
  private int sent;

  @Setup(Level.Trial)
  public void setup() throws SrtpException, IOException {
    Random r = new Random(1);
    byte[] key = new byte[profile.keyLength()];
    byte[] salt = new byte[profile.saltLength()];
    r.nextBytes(key);
    r.nextBytes(salt);
    byte[] plain = new byte[1300];
    r.nextBytes(plain);
    plain[0] = (byte) 0x80;
    plain[1] = 96;
    System.arraycopy(plain, 0, received, 0, size);
    receivedLength = new SrtpContext(profile, key, salt, false).protectRtp(received, 0, size);
    ingress = new SrtpContext(profile, key, salt, false);
    egress = new SrtpContext(profile, key, salt, false);
    sink = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    to = (InetSocketAddress) sink.getLocalAddress();
    out = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    buffer = ByteBuffer.wrap(work);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    out.close();
    sink.close();
  }

  /** One egress packet. */
  @Benchmark
  public int forward() throws SrtpException, IOException {
    if (sent++ % fanOut == 0) { // a new ingress packet, shared by the next fanOut egress packets
      System.arraycopy(received, 0, decrypted, 0, receivedLength);
      ingress.unprotectRtp(decrypted, 0, receivedLength);
    }
    seq = (seq + 1) & 0xffff;
    System.arraycopy(decrypted, 0, work, 0, size); // each subscriber's copy, header rewritten

    work[2] = (byte) (seq >> 8);
    work[3] = (byte) seq;
    int n = egress.protectRtp(work, 0, size);
    buffer.clear().limit(n);
    return out.send(buffer, to);
  }
}
