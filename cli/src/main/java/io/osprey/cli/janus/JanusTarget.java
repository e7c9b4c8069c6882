package io.osprey.cli.janus;

import com.google.gson.JsonObject;
import io.netty.channel.EventLoopGroup;
import io.osprey.cli.load.LoadTarget;
import io.osprey.cli.load.SubscriberMeter;
import io.osprey.transport.dtls.DtlsCertificate;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A Janus VideoRoom under load: one API session for everyone, a room of our own made for the run
 * (VP8 and Opus, no bitrate cap) and destroyed after it, publishers and subscribers as plugin
 * handles with their media on shared event loops. Subscribers take every feed published before
 * them (the load test joins publishers first).
 */
public final class JanusTarget implements LoadTarget {
  private final JanusApi api;
  private final EventLoopGroup loops;
  private final long room;
  private final long control;
  private final long videoBitrate;
  private final InetAddress mediaAddress;
  private final DtlsCertificate certificate = DtlsCertificate.generate();
  private final List<CompletableFuture<JanusPublisher>> publishers = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> participants = new CopyOnWriteArrayList<>();

  private JanusTarget(JanusApi api, EventLoopGroup loops, InetAddress mediaAddress, long room, long control,
                      long videoBitrate) {
    this.mediaAddress = mediaAddress;
    this.api = api;
    this.loops = loops;
    this.room = room;
    this.control = control;
    this.videoBitrate = videoBitrate;
  }

  /**
   * Opens a session at {@code url} (e.g. {@code http://127.0.0.1:8088/janus}) and creates a room
   * for {@code publishers} publishers; participants' media run on {@code loops}.
   */
  public static JanusTarget open(URI url, EventLoopGroup loops, int publishers, long videoBitrate) {
    JanusApi api = JanusApi.open(url);
    try {
      long control = api.attach(JanusPublisher.VIDEOROOM).get(20, TimeUnit.SECONDS);
      long room = ThreadLocalRandom.current().nextLong(1, 1L << 31);
      JsonObject create = new JsonObject();
      create.addProperty("request", "create");
      create.addProperty("room", room);
      create.addProperty("description", "osprey load-test");
      create.addProperty("publishers", Math.max(1, publishers));
      create.addProperty("bitrate", 0);
      create.addProperty("videocodec", "vp8");
      create.addProperty("audiocodec", "opus");
      create.addProperty("notify_joining", false);
      create.addProperty("permanent", false);
      api.message(control, create, null).get(20, TimeUnit.SECONDS);
      return new JanusTarget(api, loops, mediaAddress(url), room, control, videoBitrate);
    } catch (Exception e) {
      api.close();
      throw new JanusException("could not create a VideoRoom at " + url + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
    }
  }

  /**
   * The address our media sockets bind. Janus on this host: the host's first non-loopback IPv4
   * address, because Janus never gathers candidates on a loopback interface (it skips them when it
   * lists the host's addresses), so its candidates are on the host's own addresses; traffic
   * between two of them stays in the kernel as loopback traffic does. Janus elsewhere: the
   * address this host routes to it through.
   */
  static InetAddress mediaAddress(URI url) {
    try {
      InetAddress server = InetAddress.getByName(url.getHost());
      if (!server.isLoopbackAddress()) {
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket()) {
          probe.connect(server, 9);
          return probe.getLocalAddress();
        }
      }
      for (NetworkInterface nic : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
            return a;
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new JanusException("cannot find a local address for media towards " + url + ": " + e.getMessage());
    }
    throw new JanusException("no non-loopback IPv4 address on this host: Janus gathers no candidates on loopback");
  }

  @Override
  public CompletableFuture<Void> joinPublisher(String identity, boolean video) {
    CompletableFuture<JanusPublisher> join = JanusPublisher.join(api, room, loops.next(), mediaAddress, certificate, identity, video,
        videoBitrate);
    publishers.add(join);
    return join.thenAccept(participants::add);
  }

  @Override
  public CompletableFuture<Void> joinSubscriber(String identity, SubscriberMeter meter) {
    List<CompletableFuture<JanusPublisher>> joins = new ArrayList<>(publishers);
    return CompletableFuture.allOf(joins.stream().map(j -> j.handle((p, e) -> p)).toArray(CompletableFuture[]::new))
        .thenCompose(all -> {
          List<Long> feeds = new ArrayList<>();
          for (CompletableFuture<JanusPublisher> j : joins) {
            if (!j.isCompletedExceptionally()) {
              feeds.add(j.join().feed());
            }
          }
          if (feeds.isEmpty()) {
            throw new JanusException(identity + ": no publisher to subscribe to");
          }
          return JanusSubscriber.join(api, room, loops.next(), mediaAddress, certificate, feeds, meter);
        })
        .thenAccept(participants::add);
  }

  @Override
  public void close() {
    for (AutoCloseable p : participants) {
      try {
        p.close();
      } catch (Exception e) {
        // leaving anyway
      }
    }
    JsonObject destroy = new JsonObject();
    destroy.addProperty("request", "destroy");
    destroy.addProperty("room", room);
    try {
      api.message(control, destroy, null).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the session's end takes the room's participants with it anyway
    }
    api.close();
  }
}
