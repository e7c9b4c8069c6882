package io.osprey.transport.ice;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.testkit.Datagram;
import io.osprey.testkit.LinkConditions;
import io.osprey.testkit.NetSim;
import io.osprey.testkit.SimPeer;
import io.osprey.testkit.VirtualTimeDriver;
import io.osprey.wire.stun.StunFormatException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The server's ICE-lite agent against the client's controlling agent over a simulated network, in virtual time. */
class IceAgentsTest {
  private static final long MS = 1_000_000;
  private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.1", 7882);
  private static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.2", 50000);

  /** Adapts an agent to the driver: STUN in, transmits out, states recorded. */
  private abstract static class AgentPeer implements SimPeer {
    final List<Datagram> out = new ArrayList<>();
    final List<IceState> states = new ArrayList<>();
    InetSocketAddress selected;
    int malformed;

    abstract IceOutput poll();

    void drain() {
      for (IceOutput o; (o = poll()) != null; ) {
        switch (o) {
          case IceOutput.Transmit t -> out.add(new Datagram(t.local(), t.remote(), t.data()));
          case IceOutput.StateChanged s -> states.add(s.state());
          case IceOutput.SelectedPair p -> selected = p.remote();
        }
      }
    }

    @Override public List<Datagram> pollTransmits(long now) {
      drain();
      List<Datagram> copy = List.copyOf(out);
      out.clear();
      return copy;
    }
  }

  private static final class LitePeer extends AgentPeer {
    final IceLiteAgent agent;

    LitePeer(IceCredentials creds) {
      agent = new IceLiteAgent(creds, IceLiteAgent.Config.defaults());
    }

    @Override IceOutput poll() { return agent.poll(); }
    @Override public List<InetSocketAddress> addresses() { return List.of(SERVER); }
    @Override public void handleDatagram(Datagram d, long now) {
      try {
        agent.handleStun(d.payload(), 0, d.payload().length, d.destination(), d.source(), now);
      } catch (StunFormatException e) {
        malformed++;
      }
    }
    @Override public void handleTimeout(long now) { agent.handleTimeout(now); }
    @Override public long nextDeadlineNanos() { return agent.nextDeadlineNanos(); }
  }

  private static final class ControllingPeer extends AgentPeer {
    final IceControllingAgent agent;

    ControllingPeer(IceCredentials creds, IceCredentials remote, long seed) {
      agent = new IceControllingAgent(creds, IceControllingAgent.Config.defaults(), new SplittableRandom(seed));
      agent.setRemoteCredentials(remote);
      agent.addLocalCandidate(CLIENT, 2130706431L);
      agent.addRemoteCandidate(SERVER, 2130706431L);
    }

    @Override IceOutput poll() { return agent.poll(); }
    @Override public List<InetSocketAddress> addresses() { return List.of(CLIENT); }
    @Override public void handleDatagram(Datagram d, long now) {
      try {
        agent.handleStun(d.payload(), 0, d.payload().length, d.destination(), d.source(), now);
      } catch (StunFormatException e) {
        malformed++;
      }
    }
    @Override public void handleTimeout(long now) { agent.handleTimeout(now); }
    @Override public long nextDeadlineNanos() { return agent.nextDeadlineNanos(); }
  }

  private final IceCredentials serverCreds = IceCredentials.random();
  private final IceCredentials clientCreds = IceCredentials.random();

  private VirtualTimeDriver network(LinkConditions conditions, long seed, SimPeer... peers) {
    VirtualTimeDriver d = new VirtualTimeDriver(new NetSim(seed, conditions), 0);
    for (SimPeer p : peers) {
      d.add(p);
    }
    return d;
  }

  @Test
  void connectsAndAgreesOnThePair() {
    LitePeer server = new LitePeer(serverCreds);
    server.agent.setRemoteUfrag(clientCreds.ufrag());
    ControllingPeer client = new ControllingPeer(clientCreds, serverCreds, 1);
    VirtualTimeDriver d = network(LinkConditions.perfect().withDelay(20 * MS, 0), 1, server, client);

    assertThat(d.runUntil(() -> server.agent.state() == IceState.CONNECTED
        && client.agent.state() == IceState.CONNECTED, 5_000 * MS)).isTrue();
    assertThat(server.selected).isEqualTo(CLIENT);
    assertThat(client.selected).isEqualTo(SERVER);
    assertThat(d.nowNanos()).isLessThan(200 * MS); // check + nomination: two round trips
  }

  @Test
  void connectsThroughLossAndReordering() {
    for (long seed = 1; seed <= 5; seed++) {
      LitePeer server = new LitePeer(serverCreds);
      ControllingPeer client = new ControllingPeer(clientCreds, serverCreds, seed);
      LinkConditions lossy = LinkConditions.perfect().withDelay(30 * MS, 10 * MS).withLoss(0.05).withReorder(0.05);
      VirtualTimeDriver d = network(lossy, seed, server, client);
      assertThat(d.runUntil(() -> server.agent.state() == IceState.CONNECTED
          && client.agent.state() == IceState.CONNECTED, 10_000 * MS)).as("seed %d", seed).isTrue();
    }
  }

  @Test
  void bothSidesNoticeWhenTheLinkIsCutAndKeepConsentOtherwise() {
    LitePeer server = new LitePeer(serverCreds);
    ControllingPeer client = new ControllingPeer(clientCreds, serverCreds, 2);
    NetSim net = new NetSim(2, LinkConditions.perfect());
    VirtualTimeDriver d = new VirtualTimeDriver(net, 0).add(server).add(client);
    d.runUntil(() -> client.agent.state() == IceState.CONNECTED && server.agent.state() == IceState.CONNECTED, 5_000 * MS);

    d.advance(60_000 * MS); // a minute of consent checks keeps both connected
    assertThat(server.agent.state()).isEqualTo(IceState.CONNECTED);
    assertThat(client.agent.state()).isEqualTo(IceState.CONNECTED);

    net.setPath(SERVER, CLIENT, LinkConditions.perfect().withLoss(1.0));
    d.advance(12_000 * MS);
    assertThat(server.agent.state()).isEqualTo(IceState.DISCONNECTED);
    assertThat(client.agent.state()).isEqualTo(IceState.DISCONNECTED);
    d.advance(30_000 * MS);
    assertThat(server.states).endsWith(IceState.DISCONNECTED, IceState.FAILED);
    assertThat(client.states).endsWith(IceState.DISCONNECTED, IceState.FAILED);
  }

  @Test
  void refusesChecksWithTheWrongPassword() {
    LitePeer server = new LitePeer(serverCreds);
    ControllingPeer impostor = new ControllingPeer(clientCreds, IceCredentials.random(), 3);
    VirtualTimeDriver d = network(LinkConditions.perfect(), 3, server, impostor);
    d.runUntil(() -> impostor.agent.state() == IceState.FAILED, 60_000 * MS);
    assertThat(impostor.agent.state()).isEqualTo(IceState.FAILED);
    assertThat(server.agent.state()).isEqualTo(IceState.NEW);
    assertThat(server.agent.checksRejected()).isPositive();
    assertThat(server.agent.checksAnswered()).isZero();
  }

  @Test
  void reconnectsAfterAnIceRestart() {
    LitePeer server = new LitePeer(serverCreds);
    ControllingPeer client = new ControllingPeer(clientCreds, serverCreds, 4);
    VirtualTimeDriver d = network(LinkConditions.perfect(), 4, server, client);
    d.runUntil(() -> client.agent.state() == IceState.CONNECTED, 5_000 * MS);

    IceCredentials newServer = IceCredentials.random();
    IceCredentials newClient = IceCredentials.random();
    server.agent.restart(newServer, newClient.ufrag());
    client.agent.restart(newClient, newServer);
    assertThat(client.agent.state()).isEqualTo(IceState.CHECKING);
    assertThat(d.runUntil(() -> client.agent.state() == IceState.CONNECTED, 5_000 * MS)).isTrue();
    assertThat(server.agent.state()).isEqualTo(IceState.CONNECTED);
  }

  @Test
  void answersARoleConflictWhenBothClaimToBeControlled() throws Exception {
    IceLiteAgent lite = new IceLiteAgent(serverCreds, IceLiteAgent.Config.defaults());
    byte[] check = new io.osprey.wire.stun.StunMessageBuilder(io.osprey.wire.stun.StunClass.REQUEST,
        io.osprey.wire.stun.StunAttributes.BINDING, new byte[12])
        .username(serverCreds.ufrag() + ":abcd").iceControlled(1).build(serverCreds.passwordBytes(), true);
    lite.handleStun(check, 0, check.length, SERVER, CLIENT, 0);
    IceOutput.Transmit t = (IceOutput.Transmit) lite.poll();
    var response = io.osprey.wire.stun.StunMessage.parse(t.data(), 0, t.data().length);
    assertThat(response.errorCode().code()).isEqualTo(487);
  }

  @Test
  void answersOnlyChecksNamingItsPeerOnceThePeersUfragIsKnown() throws Exception {
    IceLiteAgent lite = new IceLiteAgent(serverCreds, IceLiteAgent.Config.defaults());
    assertThat(responseTo(lite, serverCreds.ufrag() + ":abcd").stunClass())
        .isEqualTo(io.osprey.wire.stun.StunClass.SUCCESS_RESPONSE); // any peer before its ufrag is known
    lite.setRemoteUfrag("wxyz");
    assertThat(responseTo(lite, serverCreds.ufrag() + ":abcd").errorCode().code()).isEqualTo(401);
    assertThat(responseTo(lite, serverCreds.ufrag() + ":wxyz0").errorCode().code()).isEqualTo(401);
    assertThat(responseTo(lite, "x" + serverCreds.ufrag() + ":wxyz").errorCode().code()).isEqualTo(401);
    io.osprey.wire.stun.StunMessage ok = responseTo(lite, serverCreds.ufrag() + ":wxyz");
    assertThat(ok.stunClass()).isEqualTo(io.osprey.wire.stun.StunClass.SUCCESS_RESPONSE);
    assertThat(ok.verifyIntegrity(serverCreds.passwordBytes())).isTrue();
    assertThat(ok.verifyFingerprint()).isTrue();
    assertThat(ok.xorMappedAddress()).isEqualTo(CLIENT);
  }

  private io.osprey.wire.stun.StunMessage responseTo(IceLiteAgent lite, String username) throws Exception {
    byte[] check = new io.osprey.wire.stun.StunMessageBuilder(io.osprey.wire.stun.StunClass.REQUEST,
        io.osprey.wire.stun.StunAttributes.BINDING, new byte[12])
        .username(username).iceControlling(1).build(serverCreds.passwordBytes(), true);
    lite.handleStun(check, 0, check.length, SERVER, CLIENT, 0);
    for (IceOutput o; (o = lite.poll()) != null; ) {
      if (o instanceof IceOutput.Transmit t) {
        return io.osprey.wire.stun.StunMessage.parse(t.data(), 0, t.data().length);
      }
    }
    throw new AssertionError("no response");
  }

  @Test
  void dropsIndicationsAndCorruptedChecksWithoutAllocating() throws Exception {
    IceLiteAgent lite = new IceLiteAgent(serverCreds, IceLiteAgent.Config.defaults());
    byte[] indication = new io.osprey.wire.stun.StunMessageBuilder(io.osprey.wire.stun.StunClass.INDICATION,
        io.osprey.wire.stun.StunAttributes.BINDING, new byte[12]).build(true);
    byte[] corrupted = new io.osprey.wire.stun.StunMessageBuilder(io.osprey.wire.stun.StunClass.REQUEST,
        io.osprey.wire.stun.StunAttributes.BINDING, new byte[12])
        .username(serverCreds.ufrag() + ":abcd").iceControlling(1).build(serverCreds.passwordBytes(), true);
    corrupted[corrupted.length - 1] ^= 1; // FINGERPRINT no longer matches
    long bytes = io.osprey.testkit.Allocations.bytesAllocated(20_000, 10_000, () -> {
      lite.handleStun(indication, 0, indication.length, SERVER, CLIENT, 0);
      lite.handleStun(corrupted, 0, corrupted.length, SERVER, CLIENT, 0);
    });
    assertThat(bytes).isZero();
    assertThat(lite.poll()).isNull();
    assertThat(lite.checksRejected()).isEqualTo(50_000);
  }
}
