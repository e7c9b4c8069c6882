package io.osprey.transport.dtls;

import io.osprey.transport.srtp.SrtpProfile;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * One DTLS-SRTP session (RFC 5764) with a sans-IO face: datagrams in through
 * {@link #handleDatagram}, outputs polled with {@link #poll()}. Bouncy Castle runs on a virtual
 * thread reading a bounded queue; each input returns once that thread is idle again (waiting for
 * the next datagram, or finished), so its outputs are ready when the call returns.
 *
 * <p>Before the handshake completes, Bouncy Castle's retransmission timer runs on the real clock;
 * {@link #nextDeadlineNanos()} reports it relative to the last input's time and
 * {@link #handleTimeout} waits (boundedly) for it to fire. This is the one place in the transport
 * where real time leaks in, and only while a handshake flight is lost.
 *
 * <p>An event loop serving many sessions should not wait out a handshake's public-key crypto: with
 * a {@linkplain #setWakeup wakeup}, inputs return at once while handshaking, and the thread calls
 * the wakeup whenever it has produced outputs (the owner then polls them on its loop). Once
 * connected, inputs settle as before, so application data is only ever decrypted while its
 * sender waits, never beside a concurrent send.
 */
public final class DtlsEndpoint implements AutoCloseable {
  /** Limits. */
  public record Config(int maxHandshakeMessage, int queueCapacity, Duration settleTimeout, int mtu) {
    public static Config defaults() {
      return new Config(DtlsRecordGuard.DEFAULT_MAX_HANDSHAKE_MESSAGE, 256, Duration.ofSeconds(5), 1200);
    }
  }

  private final DtlsRole role;
  private final Config config;
  private final DtlsRecordGuard guard;
  private final SrtpNegotiation srtp;
  private final JcaTlsCrypto crypto;
  private final DtlsCertificate certificate;
  private final ConcurrentLinkedQueue<DtlsOutput> outputs = new ConcurrentLinkedQueue<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
  // guarded by lock
  private long cycles;
  private boolean waiting;
  private boolean finished;
  private boolean closed;
  private int waitMillis;
  private long lastInputNanos;
  private volatile DTLSTransport transport;
  private Thread thread;
  private long dropped;
  private volatile Runnable wakeup;

  /**
   * @param remoteHash        the hash function of the peer's SDP fingerprint, e.g. "sha-256"
   * @param remoteFingerprint the peer's SDP fingerprint value ("AB:CD:...")
   */
  public DtlsEndpoint(DtlsRole role, DtlsCertificate certificate, String remoteHash, String remoteFingerprint,
                      Config config) {
    this.role = role;
    this.certificate = certificate;
    this.config = config;
    this.guard = new DtlsRecordGuard(config.maxHandshakeMessage());
    this.srtp = new SrtpNegotiation(remoteHash, remoteFingerprint);
    this.crypto = (JcaTlsCrypto) new JcaTlsCryptoProvider().create(new SecureRandom());
  }

  /**
   * Makes the handshake asynchronous: inputs no longer wait for it, and {@code wakeup} is called
   * (from the handshake's thread) whenever outputs are ready to poll. Set before {@link #start}.
   */
  public void setWakeup(Runnable wakeup) {
    this.wakeup = wakeup;
  }

  /** Starts the handshake (the client sends its ClientHello now). */
  public void start(long nowNanos) {
    lastInputNanos = nowNanos;
    long before = cycles();
    thread = Thread.ofVirtual().name("dtls-" + role.name().toLowerCase()).start(this::run);
    settleUnlessAsync(before);
  }

  /** Waits for the thread unless the handshake runs asynchronously (a wakeup is set, not yet connected). */
  private void settleUnlessAsync(long before) {
    if (wakeup == null || transport != null) {
      settle(before);
    }
  }

  /** A datagram classified as DTLS (RFC 7983) arrived. */
  public void handleDatagram(byte[] data, int off, int len, long nowNanos) {
    String refused = guard.check(data, off, len);
    if (refused != null) {
      dropped++;
      outputs.add(new DtlsOutput.Dropped(refused));
      return;
    }
    long before;
    lock.lock();
    try {
      lastInputNanos = nowNanos;
      if (finished || closed) {
        return;
      }
      if (inbound.size() >= config.queueCapacity()) {
        dropped++;
        outputs.add(new DtlsOutput.Dropped("inbound queue full"));
        return;
      }
      inbound.add(java.util.Arrays.copyOfRange(data, off, off + len));
      before = cycles;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    settleUnlessAsync(before);
  }

  /** Lets a pending retransmission timer fire (waits for it, boundedly). */
  public void handleTimeout(long nowNanos) {
    long before;
    lock.lock();
    try {
      lastInputNanos = nowNanos;
      if (finished || transport != null || !waiting) {
        return;
      }
      before = cycles;
    } finally {
      lock.unlock();
    }
    settle(before);
  }

  /**
   * While handshaking: when Bouncy Castle's retransmission timer fires; else {@link Long#MAX_VALUE}
   * (also when asynchronous: the thread then retransmits by itself and wakes its owner).
   */
  public long nextDeadlineNanos() {
    if (wakeup != null) {
      return Long.MAX_VALUE;
    }
    lock.lock();
    try {
      if (finished || transport != null || !waiting || waitMillis <= 0) {
        return Long.MAX_VALUE;
      }
      return lastInputNanos + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    } finally {
      lock.unlock();
    }
  }

  /** Sends application data (SCTP) once connected. */
  public void send(byte[] data, int off, int len) throws IOException {
    DTLSTransport t = transport;
    if (t == null) {
      throw new IllegalStateException("DTLS not connected");
    }
    t.send(data, off, len);
  }

  public boolean connected() {
    return transport != null;
  }

  public DtlsRole role() {
    return role;
  }

  /** Datagrams refused by the guard or a full queue. */
  public long droppedCount() {
    return dropped;
  }

  public DtlsOutput poll() {
    return outputs.poll();
  }

  /** Sends close_notify if connected and stops the thread. */
  @Override
  public void close() {
    DTLSTransport t = transport;
    if (t != null) {
      try {
        t.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (thread != null) {
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether the virtual thread has ended (tests check for leaks). */
  public boolean threadEnded() {
    return thread == null || !thread.isAlive();
  }

  // ---------------------------------------------------------------- the virtual thread

  private void run() {
    String failure = null;
    try {
      QueueTransport q = new QueueTransport();
      DtlsIdentity identity = new DtlsIdentity(crypto, certificate, srtp);
      DTLSTransport t = role == DtlsRole.SERVER
          ? new DTLSServerProtocol().accept(new OspreyTlsServer(identity), q)
          : new DTLSClientProtocol().connect(new OspreyTlsClient(identity), q);
      transport = t;
      outputs.add(new DtlsOutput.Connected(SrtpProfile.fromId(identity.chosenProfile), identity.keyingMaterial,
          srtp.remoteFingerprint));
      byte[] buf = new byte[t.getReceiveLimit()];
      int quickEmpty = 0;
      while (!isClosed()) {
        long start = System.nanoTime();
        int n = t.receive(buf, 0, buf.length, 1000);
        if (n >= 0) {
          quickEmpty = 0;
          outputs.add(new DtlsOutput.ApplicationData(java.util.Arrays.copyOf(buf, n)));
        } else if (System.nanoTime() - start < 1_000_000 && ++quickEmpty > 3) {
          failure = "closed by peer";
          break;
        }
      }
    } catch (TlsFatalAlert e) {
      failure = "DTLS alert: " + e.getMessage();
    } catch (IOException | RuntimeException e) {
      failure = isClosed() ? null : "DTLS failed: " + e;
    } finally {
      outputs.add(new DtlsOutput.Closed(failure == null ? "closed" : failure, failure != null && !isClosed()));
      lock.lock();
      try {
        finished = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      wake();
    }
  }

  private void wake() {
    Runnable w = wakeup;
    if (w != null && !outputs.isEmpty()) {
      w.run();
    }
  }

  private boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  private long cycles() {
    lock.lock();
    try {
      return cycles;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the thread has come back to wait for input after {@code before}, or finished. */
  private void settle(long before) {
    long deadline = System.nanoTime() + config.settleTimeout().toNanos();
    lock.lock();
    try {
      while (!finished && !(waiting && cycles > before && inbound.isEmpty())) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return;
        }
        changed.awaitNanos(remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  /** Bouncy Castle's view of the network: the bounded inbound queue and the outputs. */
  private final class QueueTransport implements DatagramTransport {
    @Override
    public int getReceiveLimit() {
      return 1500;
    }

    @Override
    public int getSendLimit() {
      return config.mtu();
    }

    @Override
    public int receive(byte[] buf, int off, int len, int wait) throws IOException {
      wake(); // back to waiting: what this cycle produced is ready
      lock.lock();
      try {
        cycles++;
        waiting = true;
        waitMillis = wait;
        changed.signalAll();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(wait, 1));
        while (inbound.isEmpty() && !closed) {
          long remaining = deadline - System.nanoTime();
          if (remaining <= 0) {
            waiting = false;
            return -1;
          }
          changed.awaitNanos(remaining);
        }
        waiting = false;
        if (closed && inbound.isEmpty()) {
          throw new IOException("closed");
        }
        byte[] d = inbound.poll();
        int n = Math.min(len, d.length);
        System.arraycopy(d, 0, buf, off, n);
        return n;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void send(byte[] buf, int off, int len) {
      outputs.add(new DtlsOutput.Transmit(java.util.Arrays.copyOfRange(buf, off, off + len)));
    }

    @Override
    public void close() {
      // the endpoint owns the lifecycle
    }
  }

  // ---------------------------------------------------------------- shared with the peer classes

  static Certificate tlsCertificate(JcaTlsCrypto crypto, DtlsCertificate certificate) throws IOException {
    TlsCertificate c = crypto.createCertificate(certificate.der());
    return new Certificate(new TlsCertificate[] {c});
  }

  static byte[] export(TlsContext context, int profileId) {
    SrtpProfile p = SrtpProfile.fromId(profileId);
    return context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, p.keyingMaterialLength());
  }
}
