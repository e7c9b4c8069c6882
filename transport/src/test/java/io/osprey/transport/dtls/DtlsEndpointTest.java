package io.osprey.transport.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.transport.srtp.SrtpProfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DtlsEndpointTest {
  private static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate();
  private static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate();

  private final List<DtlsEndpoint> endpoints = new ArrayList<>();

  /** What one side produced, sorted by kind. */
  private static final class Seen {
    final List<byte[]> transmits = new ArrayList<>();
    final List<byte[]> appData = new ArrayList<>();
    DtlsOutput.Connected connected;
    DtlsOutput.Closed closed;
  }

  private DtlsEndpoint endpoint(DtlsRole role, DtlsCertificate own, String expectedPeerFingerprint) {
    DtlsEndpoint e = new DtlsEndpoint(role, own, "sha-256", expectedPeerFingerprint, DtlsEndpoint.Config.defaults());
    endpoints.add(e);
    return e;
  }

  private static void drain(DtlsEndpoint e, Seen seen) {
    for (DtlsOutput o; (o = e.poll()) != null; ) {
      switch (o) {
        case DtlsOutput.Transmit t -> seen.transmits.add(t.data());
        case DtlsOutput.ApplicationData a -> seen.appData.add(a.data());
        case DtlsOutput.Connected c -> seen.connected = c;
        case DtlsOutput.Closed c -> seen.closed = c;
        case DtlsOutput.Dropped d -> { }
      }
    }
  }

  /** Delivers everything each side sent to the other until nothing moves. */
  private static void pump(DtlsEndpoint a, Seen sa, DtlsEndpoint b, Seen sb) {
    for (int round = 0; round < 50; round++) {
      drain(a, sa);
      drain(b, sb);
      if (sa.transmits.isEmpty() && sb.transmits.isEmpty()) {
        return;
      }
      List<byte[]> toB = new ArrayList<>(sa.transmits);
      List<byte[]> toA = new ArrayList<>(sb.transmits);
      sa.transmits.clear();
      sb.transmits.clear();
      toB.forEach(d -> b.handleDatagram(d, 0, d.length, 0));
      toA.forEach(d -> a.handleDatagram(d, 0, d.length, 0));
    }
  }

  @AfterEach
  void closeAll() {
    endpoints.forEach(DtlsEndpoint::close);
    assertThat(endpoints).allMatch(DtlsEndpoint::threadEnded);
  }

  @Test
  void handshakesNegotiatesGcmAndExportsTheSameKeys() throws Exception {
    DtlsEndpoint server = endpoint(DtlsRole.SERVER, SERVER_CERT, CLIENT_CERT.fingerprint());
    DtlsEndpoint client = endpoint(DtlsRole.CLIENT, CLIENT_CERT, SERVER_CERT.fingerprint());
    Seen ss = new Seen();
    Seen cs = new Seen();
    server.start(0);
    client.start(0);
    pump(client, cs, server, ss);

    assertThat(ss.connected).isNotNull();
    assertThat(cs.connected).isNotNull();
    assertThat(ss.connected.profile()).isEqualTo(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    assertThat(cs.connected.keyingMaterial()).isEqualTo(ss.connected.keyingMaterial()).hasSize(60);
    assertThat(ss.connected.remoteFingerprint()).isEqualTo(CLIENT_CERT.fingerprint());
    assertThat(cs.connected.remoteFingerprint()).isEqualTo(SERVER_CERT.fingerprint());

    // SRTP keyed from the export works across: client protects, server unprotects.
    DtlsSrtpKeys clientKeys = DtlsSrtpKeys.of(cs.connected, DtlsRole.CLIENT, false);
    DtlsSrtpKeys serverKeys = DtlsSrtpKeys.of(ss.connected, DtlsRole.SERVER, false);
    byte[] rtp = new byte[200];
    rtp[0] = (byte) 0x80;
    rtp[1] = 111;
    rtp[11] = 5;
    byte[] original = Arrays.copyOf(rtp, 100);
    int len = clientKeys.outbound().protectRtp(rtp, 0, 100);
    assertThat(Arrays.copyOf(rtp, serverKeys.inbound().unprotectRtp(rtp, 0, len))).isEqualTo(original);

    // Application data both ways (what SCTP rides on).
    byte[] hello = "hello over dtls".getBytes(StandardCharsets.UTF_8);
    client.send(hello, 0, hello.length);
    server.send(hello, 0, 5);
    pump(client, cs, server, ss);
    assertThat(ss.appData).anySatisfy(d -> assertThat(d).isEqualTo(hello));
    assertThat(cs.appData).anySatisfy(d -> assertThat(d).isEqualTo(Arrays.copyOf(hello, 5)));
  }

  /**
   * With wakeups, inputs return without waiting for the handshake's crypto, and the handshake
   * still completes: each side's thread wakes a one-thread "loop" that drains it and carries what
   * it sent to the other side. Application data then flows as in the synchronous mode.
   */
  @Test
  void anAsynchronousHandshakeWakesItsLoopAndCompletes() throws Exception {
    DtlsEndpoint server = endpoint(DtlsRole.SERVER, SERVER_CERT, CLIENT_CERT.fingerprint());
    DtlsEndpoint client = endpoint(DtlsRole.CLIENT, CLIENT_CERT, SERVER_CERT.fingerprint());
    Seen ss = new Seen();
    Seen cs = new Seen();
    java.util.concurrent.ExecutorService loop = java.util.concurrent.Executors.newSingleThreadExecutor();
    java.util.concurrent.atomic.AtomicInteger wakeups = new java.util.concurrent.atomic.AtomicInteger();
    Runnable[] carry = new Runnable[1];
    carry[0] = () -> {
      drain(client, cs);
      drain(server, ss);
      List<byte[]> toServer = new ArrayList<>(cs.transmits);
      List<byte[]> toClient = new ArrayList<>(ss.transmits);
      cs.transmits.clear();
      ss.transmits.clear();
      toServer.forEach(d -> server.handleDatagram(d, 0, d.length, 0));
      toClient.forEach(d -> client.handleDatagram(d, 0, d.length, 0));
    };
    Runnable wake = () -> {
      wakeups.incrementAndGet();
      loop.execute(carry[0]);
    };
    server.setWakeup(wake);
    client.setWakeup(wake);
    try {
      loop.submit(() -> {
        server.start(0);
        client.start(0);
      }).get();
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> loop.submit(() -> ss.connected != null && cs.connected != null).get());
      assertThat(wakeups.get()).isPositive();
      assertThat(server.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE); // the thread keeps its own timer
      loop.submit(() -> {
        try {
          client.send("after".getBytes(), 0, 5);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).get();
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
          .until(() -> loop.submit(() -> {
            carry[0].run();
            return !ss.appData.isEmpty();
          }).get());
      assertThat(new String(ss.appData.get(0))).isEqualTo("after");
    } finally {
      loop.shutdownNow();
    }
  }

  @Test
  void aFingerprintMismatchTearsTheSessionDown() {
    DtlsCertificate impostor = DtlsCertificate.generate();
    DtlsEndpoint server = endpoint(DtlsRole.SERVER, SERVER_CERT, CLIENT_CERT.fingerprint());
    DtlsEndpoint client = endpoint(DtlsRole.CLIENT, impostor, SERVER_CERT.fingerprint());
    Seen ss = new Seen();
    Seen cs = new Seen();
    server.start(0);
    client.start(0);
    pump(client, cs, server, ss);
    assertThat(ss.connected).isNull();
    assertThat(cs.connected).isNull();
    assertThat(ss.closed).isNotNull();
    assertThat(ss.closed.failed()).isTrue();
  }

  @Test
  void aClientThatExpectsAnotherServerRefusesToConnect() {
    DtlsEndpoint server = endpoint(DtlsRole.SERVER, SERVER_CERT, CLIENT_CERT.fingerprint());
    DtlsEndpoint client = endpoint(DtlsRole.CLIENT, CLIENT_CERT, DtlsCertificate.generate().fingerprint());
    Seen ss = new Seen();
    Seen cs = new Seen();
    server.start(0);
    client.start(0);
    pump(client, cs, server, ss);
    assertThat(cs.connected).isNull();
    assertThat(cs.closed).isNotNull();
    assertThat(cs.closed.reason()).contains("alert");
  }

  @Test
  void dropsAHandshakeFragmentDeclaringAHugeLengthBeforeTheLibrarySeesIt() {
    DtlsEndpoint server = endpoint(DtlsRole.SERVER, SERVER_CERT, CLIENT_CERT.fingerprint());
    server.start(0);
    // One 205-byte datagram: a handshake record whose ClientHello declares 16 MiB (CVE-2026-59646).
    byte[] evil = new byte[205];
    evil[0] = 22;
    evil[1] = (byte) 0xfe;
    evil[2] = (byte) 0xfd;
    int recordLength = 205 - 13;
    evil[11] = (byte) (recordLength >> 8);
    evil[12] = (byte) recordLength;
    evil[13] = 1; // client_hello
    evil[14] = (byte) 0xff; // length 0xffffff
    evil[15] = (byte) 0xff;
    evil[16] = (byte) 0xff;
    evil[22 + 2] = (byte) 100; // fragment_length 100 at offset 0
    long usedBefore = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    for (int i = 0; i < 100; i++) {
      server.handleDatagram(evil, 0, evil.length, 0);
    }
    long grown = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory() - usedBefore;
    assertThat(server.droppedCount()).isEqualTo(100);
    assertThat(grown).isLessThan(64L << 20); // 100 x 16 MiB would be 1.6 GiB
    DtlsOutput first = server.poll();
    assertThat(first).isInstanceOf(DtlsOutput.Dropped.class);
    assertThat(((DtlsOutput.Dropped) first).reason()).contains("over the bound");
  }

  @Test
  void theGuardRejectsRecordsAndFragmentsThatOverrun() {
    DtlsRecordGuard guard = new DtlsRecordGuard(1024);
    byte[] record = new byte[13 + 12 + 4];
    record[0] = 22;
    record[12] = 16;
    record[16] = 4; // message length 4 (bytes 14-16)
    record[24] = 4; // fragment length 4
    assertThat(guard.check(record, 0, record.length)).isNull();
    byte[] overrun = record.clone();
    overrun[12] = 100;
    assertThat(guard.check(overrun, 0, overrun.length)).contains("overruns the datagram");
    byte[] outside = record.clone();
    outside[21] = 2; // fragment offset 2 + length 4 > 4
    assertThat(guard.check(outside, 0, outside.length)).contains("outside its message");
    assertThat(guard.check(new byte[5], 0, 5)).contains("shorter");
  }
}
