package io.osprey.bench.wire;

import io.osprey.wire.WireFormatException;
import io.osprey.wire.crypto.HmacSha1;
import io.osprey.wire.rtp.RtpPacket;
import io.osprey.wire.stun.StunAttributes;
import io.osprey.wire.stun.StunClass;
import io.osprey.wire.stun.StunFormatException;
import io.osprey.wire.stun.StunMessage;
import io.osprey.wire.stun.StunMessageBuilder;
import io.osprey.wire.stun.StunView;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The parse paths every datagram takes: an ICE check (parse + fingerprint + username + integrity,
 * as the ICE agents do it in place, and through the copying StunMessage for comparison), an RTP
 * packet (parse + find the mid + rewrite).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ParseBenchmark {
  private static final byte[] KEY = "VOkJxbRl1RmTxUk/WvJxBt8aMs2h".getBytes(StandardCharsets.UTF_8);
  private static final byte[] USERNAME = "abcdefghijklmnop:wxyz".getBytes(StandardCharsets.UTF_8);
  private final HmacSha1 key = new HmacSha1(KEY); // an agent keys one per password
  private final StunView stun = new StunView();
  private byte[] check;
  private final byte[] rtp = new byte[1200];
  private final RtpPacket view = new RtpPacket();
  private int seq;

  @Setup
  public void setup() {
    check = new StunMessageBuilder(StunClass.REQUEST, StunAttributes.BINDING, new byte[12])
        .username("abcdefghijklmnop:wxyz").priority(1853817087L).iceControlling(0x1234_5678_9abc_def0L).useCandidate()
        .build(KEY, true);
    rtp[0] = (byte) 0x90;
    rtp[1] = 96;
    rtp[12] = (byte) 0xBE;
    rtp[13] = (byte) 0xDE;
    rtp[15] = 2;
    rtp[16] = 0x10; // id 1, 1 byte
    rtp[17] = '0';
    rtp[18] = 0x32; // id 3, 3 bytes
  }

  @Benchmark
  public boolean stunCheck() throws StunFormatException {
    StunView m = stun.wrap(check, 0, check.length);
    return m.verifyFingerprint() && m.usernameEquals(USERNAME) && m.verifyIntegrity(key)
        && m.has(StunAttributes.USE_CANDIDATE);
  }

  @Benchmark
  public boolean stunCheckParsed() throws StunFormatException {
    StunMessage m = StunMessage.parse(check, 0, check.length);
    return m.verifyFingerprint() && m.username().equals("abcdefghijklmnop:wxyz") && m.verifyIntegrity(KEY)
        && m.has(StunAttributes.USE_CANDIDATE);
  }

  @Benchmark
  public long rtpParseAndRewrite() throws WireFormatException {
    view.wrap(rtp, 0, rtp.length);
    long mid = view.findExtension(1);
    view.setSequenceNumber(seq++);
    view.setTimestamp(seq * 3000L);
    view.setSsrc(0x12345678L);
    return mid + view.payloadLength();
  }
}
