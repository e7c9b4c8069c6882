package io.osprey.transport.ice;

import io.osprey.wire.crypto.HmacSha1;
import io.osprey.wire.stun.StunAttributes;
import io.osprey.wire.stun.StunClass;
import io.osprey.wire.stun.StunFormatException;
import io.osprey.wire.stun.StunMessageBuilder;
import io.osprey.wire.stun.StunView;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The server's ICE-lite agent (RFC 8445 §2.5, §7.3): it never sends checks, it answers the peer's.
 * A check whose USERNAME is {@code localUfrag:remoteUfrag} and whose MESSAGE-INTEGRITY verifies
 * with the local password gets a success response carrying XOR-MAPPED-ADDRESS; one with
 * USE-CANDIDATE nominates its pair, which becomes the selected pair (a later nomination, e.g.
 * after the peer's network changed, replaces it). Checks that fail integrity get a 401; a peer
 * that also claims the controlled role gets a 487.
 *
 * <p>Consent (RFC 7675): when no valid check arrives on the selected pair for
 * {@code disconnectedAfter} the state becomes DISCONNECTED, after {@code failedAfter} FAILED.
 *
 * <p>A check is parsed and verified in place ({@link StunView}, USERNAME compared as bytes, an
 * HMAC keyed once per password), so a check costs no allocation until its response is built.
 * Owned by one loop; time is an argument.
 */
public final class IceLiteAgent implements IceAgent {
  /** Timeouts; LiveKit uses 10 s to disconnected and 5 s more to failed. */
  public record Config(Duration disconnectedAfter, Duration failedAfter) {
    public static Config defaults() {
      return new Config(Duration.ofSeconds(10), Duration.ofSeconds(15));
    }
  }

  private final Config config;
  private final ArrayDeque<IceOutput> outputs = new ArrayDeque<>();
  private final StunView view = new StunView();
  private IceCredentials local;
  private HmacSha1 localKey; // MESSAGE-INTEGRITY of checks and responses: keyed with the local password
  private byte[] usernamePrefix; // "localUfrag:"
  private byte[] username; // "localUfrag:remoteUfrag" once the peer's ufrag is known, else null
  private IceState state = IceState.NEW;
  private InetSocketAddress selectedLocal;
  private InetSocketAddress selectedRemote;
  private long lastConsentNanos;
  private long checksAnswered;
  private long checksRejected;

  public IceLiteAgent(IceCredentials local, Config config) {
    this.config = config;
    setCredentials(local, null);
  }

  @Override
  public IceCredentials localCredentials() {
    return local;
  }

  /** The peer's ufrag from its SDP, when known (checks are accepted before it is). */
  public void setRemoteUfrag(String ufrag) {
    setCredentials(local, ufrag);
  }

  /** ICE restart (RFC 8445 §9): new local credentials; the selected pair stays until a new nomination. */
  public void restart(IceCredentials newLocal, String newRemoteUfrag) {
    setCredentials(newLocal, newRemoteUfrag);
  }

  private void setCredentials(IceCredentials newLocal, String newRemoteUfrag) {
    if (newLocal != local) {
      localKey = new HmacSha1(newLocal.passwordBytes());
    }
    local = newLocal;
    String prefix = newLocal.ufrag() + ":";
    usernamePrefix = prefix.getBytes(StandardCharsets.UTF_8);
    username = newRemoteUfrag == null ? null : (prefix + newRemoteUfrag).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Handles a STUN datagram received on {@code localAddress} from {@code remote}. Responses and
   * events are queued for {@link #poll()}.
   *
   * @throws StunFormatException if it is not a well-formed STUN message
   */
  @Override
  public void handleStun(byte[] data, int off, int len, InetSocketAddress localAddress, InetSocketAddress remote,
                         long nowNanos) throws StunFormatException {
    StunView m = view.wrap(data, off, len);
    if (m.stunClass() != StunClass.REQUEST || m.method() != StunAttributes.BINDING) {
      return; // indications (keepalives) and stray responses need no answer
    }
    if (m.hasFingerprint() && !m.verifyFingerprint()) {
      checksRejected++;
      return; // not for us, or corrupted: silently discarded (RFC 8489 §7.3)
    }
    boolean userOk = username != null ? m.usernameEquals(username) : m.usernameStartsWith(usernamePrefix);
    if (!userOk || !m.verifyIntegrity(localKey)) {
      checksRejected++;
      outputs.add(new IceOutput.Transmit(localAddress, remote,
          new StunMessageBuilder(StunClass.ERROR_RESPONSE, StunAttributes.BINDING, m.transactionId())
              .errorCode(401, "Unauthorized").build(true)));
      return;
    }
    if (m.has(StunAttributes.ICE_CONTROLLED)) {
      // Both sides think they are controlled; a lite agent is always controlled (§7.3.1.1).
      outputs.add(new IceOutput.Transmit(localAddress, remote,
          new StunMessageBuilder(StunClass.ERROR_RESPONSE, StunAttributes.BINDING, m.transactionId())
              .errorCode(487, "Role Conflict").build(localKey, true)));
      return;
    }
    checksAnswered++;
    outputs.add(new IceOutput.Transmit(localAddress, remote,
        new StunMessageBuilder(StunClass.SUCCESS_RESPONSE, StunAttributes.BINDING, m.transactionId())
            .xorMappedAddress(remote).build(localKey, true)));
    boolean onSelected = remote.equals(selectedRemote) && localAddress.equals(selectedLocal);
    if (m.has(StunAttributes.USE_CANDIDATE) && !onSelected) {
      selectedLocal = localAddress;
      selectedRemote = remote;
      outputs.add(new IceOutput.SelectedPair(localAddress, remote));
      onSelected = true;
    }
    if (onSelected) {
      lastConsentNanos = nowNanos;
      setState(IceState.CONNECTED);
    } else if (state == IceState.NEW) {
      setState(IceState.CHECKING);
    }
  }

  /** Checks consent; call at {@link #nextDeadlineNanos()}. */
  @Override
  public void handleTimeout(long nowNanos) {
    if (selectedRemote == null || state == IceState.CLOSED) {
      return;
    }
    long silent = nowNanos - lastConsentNanos;
    if (silent >= config.failedAfter().toNanos()) {
      setState(IceState.FAILED);
    } else if (silent >= config.disconnectedAfter().toNanos()) {
      setState(IceState.DISCONNECTED);
    }
  }

  /** When consent should next be checked, or {@link Long#MAX_VALUE}. */
  @Override
  public long nextDeadlineNanos() {
    if (selectedRemote == null || state == IceState.FAILED || state == IceState.CLOSED) {
      return Long.MAX_VALUE;
    }
    long disconnect = lastConsentNanos + config.disconnectedAfter().toNanos();
    return state == IceState.DISCONNECTED ? lastConsentNanos + config.failedAfter().toNanos() : disconnect;
  }

  /** The next output, or null. */
  @Override
  public IceOutput poll() {
    return outputs.poll();
  }

  @Override
  public IceState state() {
    return state;
  }

  /** Where application data should go, or null before nomination. */
  @Override
  public InetSocketAddress selectedRemote() {
    return selectedRemote;
  }

  @Override
  public InetSocketAddress selectedLocal() {
    return selectedLocal;
  }

  public long checksAnswered() {
    return checksAnswered;
  }

  public long checksRejected() {
    return checksRejected;
  }

  @Override
  public void close() {
    setState(IceState.CLOSED);
  }

  private void setState(IceState next) {
    if (next != state) {
      state = next;
      outputs.add(new IceOutput.StateChanged(next));
    }
  }
}
