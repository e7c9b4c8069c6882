package io.osprey.cli.janus;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.netty.channel.EventLoop;
import io.osprey.cli.load.SubscriberMeter;
import io.osprey.cli.load.TrackCounter;
import io.osprey.transport.dtls.DtlsCertificate;
import io.osprey.transport.io.NativeTransport;
import io.osprey.transport.io.UdpPeer;
import io.osprey.transport.session.PeerOutput;
import io.osprey.transport.session.PeerSession;
import io.osprey.transport.session.RemoteSection;
import io.osprey.wire.sdp.SdpFormatException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A VideoRoom subscriber to every publisher's feed on one connection (Janus's multistream
 * subscription): joins as {@code ptype: subscriber} with the feeds as {@code streams}, answers
 * Janus's offer as ICE-lite with DTLS passive (Janus offers as the controlling full-ICE agent), and
 * {@code start}s. Each stream's RTP is counted by its SSRC.
 */
final class JanusSubscriber implements AutoCloseable {
  private final JanusApi api;
  private final DtlsCertificate certificate;
  private final SubscriberMeter meter;
  private long handle;
  private UdpPeer peer;
  private PeerSession session;
  private long[] ssrcs = new long[4];
  private TrackCounter[] counters = new TrackCounter[4];
  private int streams;

  private JanusSubscriber(JanusApi api, DtlsCertificate certificate, SubscriberMeter meter) {
    this.api = api;
    this.certificate = certificate;
    this.meter = meter;
  }

  /** Subscribes to {@code feeds} in {@code room}; completes once Janus has started sending. */
  static CompletableFuture<JanusSubscriber> join(JanusApi api, long room, EventLoop loop, InetAddress mediaAddress,
                                                 DtlsCertificate certificate, List<Long> feeds, SubscriberMeter meter) {
    JanusSubscriber s = new JanusSubscriber(api, certificate, meter);
    JsonObject join = new JsonObject();
    join.addProperty("request", "join");
    join.addProperty("ptype", "subscriber");
    join.addProperty("room", room);
    JsonArray streams = new JsonArray();
    for (long feed : feeds) {
      JsonObject stream = new JsonObject();
      stream.addProperty("feed", feed);
      streams.add(stream);
    }
    join.add("streams", streams);
    JsonObject start = new JsonObject();
    start.addProperty("request", "start");
    return api.attach(JanusPublisher.VIDEOROOM)
        .thenCompose(h -> {
          s.handle = h;
          return api.message(h, join, null);
        })
        .thenCompose(attached -> {
          if (!attached.has("jsep")) {
            throw new JanusException("subscription came without an offer: " + attached);
          }
          String offer = attached.getAsJsonObject("jsep").get("sdp").getAsString();
          return UdpPeer.bind(loop, NativeTransport.detect(), new InetSocketAddress(mediaAddress, 0))
              .thenApplyAsync(peer -> s.answer(peer, offer), loop);
        })
        .thenCompose(answer -> api.message(s.handle, start, JanusApi.jsep("answer", answer)))
        .thenApply(started -> s);
  }

  private String answer(UdpPeer udp, String offer) {
    peer = udp;
    session = new PeerSession(new PeerSession.Config(certificate, List.of(udp.localAddress()), false));
    peer.attach(session, this::onOutput);
    String answer;
    try {
      answer = session.handleOffer(offer, System.nanoTime());
    } catch (SdpFormatException e) {
      throw new JanusException("Janus's offer is malformed: " + e.getMessage());
    }
    for (RemoteSection r : session.remoteSections().values()) {
      if (r.peerSends()) {
        for (long ssrc : r.ssrcs()) {
          add(ssrc, TrackCounter.Payload.forMimeType(r.codec().mimeType(r.kind())));
        }
      }
    }
    peer.flush();
    return answer;
  }

  private TrackCounter add(long ssrc, TrackCounter.Payload payload) {
    if (streams == ssrcs.length) {
      ssrcs = Arrays.copyOf(ssrcs, streams * 2);
      counters = Arrays.copyOf(counters, streams * 2);
    }
    ssrcs[streams] = ssrc;
    counters[streams] = meter.track(payload);
    return counters[streams++];
  }

  private void onOutput(PeerOutput output) {
    if (output instanceof PeerOutput.RtpReceived r) {
      byte[] p = r.packet();
      if (p.length < 12) {
        return;
      }
      long ssrc = ((p[8] & 0xffL) << 24) | ((p[9] & 0xffL) << 16) | ((p[10] & 0xffL) << 8) | (p[11] & 0xffL);
      for (int i = 0; i < streams; i++) {
        if (ssrcs[i] == ssrc) {
          counters[i].onRtp(p, 0, p.length, System.nanoTime());
          return;
        }
      }
      add(ssrc, payloadOf(p[1] & 0x7f)).onRtp(p, 0, p.length, System.nanoTime()); // a stream the offer did not name
    }
  }

  private TrackCounter.Payload payloadOf(int payloadType) {
    for (RemoteSection r : session.remoteSections().values()) {
      if (r.codec().payloadType() == payloadType) {
        return TrackCounter.Payload.forMimeType(r.codec().mimeType(r.kind()));
      }
    }
    return TrackCounter.Payload.NONE;
  }

  @Override
  public void close() {
    if (peer != null) {
      peer.close();
    }
  }
}
