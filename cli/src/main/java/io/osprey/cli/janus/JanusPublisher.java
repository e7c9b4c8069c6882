package io.osprey.cli.janus;

import com.google.gson.JsonObject;
import io.netty.channel.EventLoop;
import io.osprey.sdk.media.SyntheticSource;
import io.osprey.transport.dtls.DtlsCertificate;
import io.osprey.transport.io.NativeTransport;
import io.osprey.transport.io.UdpPeer;
import io.osprey.transport.session.OfferSection;
import io.osprey.transport.session.PeerOutput;
import io.osprey.transport.session.PeerSession;
import io.osprey.transport.session.RtpCodec;
import io.osprey.wire.sdp.SdpFormatException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A VideoRoom publisher of one synthetic track: joins the room as {@code ptype: publisher}, then
 * {@code publish}es our offer (we are the full-ICE, controlling client; Janus answers and picks
 * the DTLS role) and, once DTLS is up, sends VP8 or Opus with a send-time probe in every frame.
 */
final class JanusPublisher implements AutoCloseable {
  static final String VIDEOROOM = "janus.plugin.videoroom";

  private final JanusApi api;
  private final DtlsCertificate certificate;
  private final String identity;
  private final boolean video;
  private final long videoBitrate;
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private long handle;
  private long feed;
  private UdpPeer peer;
  private PeerSession session;
  private SyntheticSender sender;
  private long ssrc;

  private JanusPublisher(JanusApi api, DtlsCertificate certificate, String identity, boolean video, long videoBitrate) {
    this.api = api;
    this.certificate = certificate;
    this.identity = identity;
    this.video = video;
    this.videoBitrate = videoBitrate;
  }

  /** Joins {@code room} and publishes; completes once media is leaving. */
  static CompletableFuture<JanusPublisher> join(JanusApi api, long room, EventLoop loop, InetAddress mediaAddress,
                                                DtlsCertificate certificate, String identity, boolean video,
                                                long videoBitrate) {
    JanusPublisher p = new JanusPublisher(api, certificate, identity, video, videoBitrate);
    JsonObject join = new JsonObject();
    join.addProperty("request", "join");
    join.addProperty("ptype", "publisher");
    join.addProperty("room", room);
    join.addProperty("display", identity);
    JsonObject publish = new JsonObject();
    publish.addProperty("request", "publish");
    return api.attach(VIDEOROOM)
        .thenCompose(h -> {
          p.handle = h;
          return api.message(h, join, null);
        })
        .thenCompose(joined -> {
          p.feed = JanusApi.pluginData(joined).get("id").getAsLong();
          return UdpPeer.bind(loop, NativeTransport.detect(), new InetSocketAddress(mediaAddress, 0));
        })
        .thenApplyAsync(peer -> p.offer(peer), loop)
        .thenCompose(offer -> api.message(p.handle, publish, JanusApi.jsep("offer", offer)))
        .thenComposeAsync(answer -> p.answer(answer), loop)
        .thenApply(x -> p);
  }

  /** Janus's id of this publisher (what subscribers ask for). */
  long feed() {
    return feed;
  }

  private String offer(UdpPeer udp) {
    peer = udp;
    session = new PeerSession(new PeerSession.Config(certificate, List.of(udp.localAddress()), false, true));
    peer.attach(session, this::onOutput);
    ssrc = (new SecureRandom().nextInt() & 0x7fffffffL) | 1;
    RtpCodec codec = video ? RtpCodec.VP8 : RtpCodec.OPUS;
    return session.createClientOffer(List.of(OfferSection.send("0", video ? "video" : "audio", codec, ssrc,
        "osprey-" + identity, identity + (video ? "-video" : "-audio"))));
  }

  private CompletableFuture<Void> answer(JsonObject answer) {
    if (!answer.has("jsep")) {
      return CompletableFuture.failedFuture(new JanusException("publish was not answered with SDP: " + answer));
    }
    try {
      session.handleAnswer(answer.getAsJsonObject("jsep").get("sdp").getAsString(), System.nanoTime());
    } catch (SdpFormatException e) {
      return CompletableFuture.failedFuture(new JanusException("Janus's answer is malformed: " + e.getMessage()));
    }
    peer.flush();
    RtpCodec codec = session.remoteSections().containsKey("0") ? session.remoteSections().get("0").codec()
        : video ? RtpCodec.VP8 : RtpCodec.OPUS;
    SyntheticSource source = video ? SyntheticSource.video(videoBitrate, 30, 60) : SyntheticSource.audio(32_000);
    sender = new SyntheticSender(peer, session, source, video, codec.payloadType(), codec.clockRate(), ssrc);
    return connected;
  }

  private void onOutput(PeerOutput output) {
    switch (output) {
      case PeerOutput.Connected c -> {
        if (sender != null && !connected.isDone()) {
          sender.start();
          connected.complete(null);
        }
      }
      case PeerOutput.Closed c -> {
        if (sender != null) {
          sender.stop();
        }
        connected.completeExceptionally(new JanusException(identity + ": " + c.reason()));
      }
      default -> { } // RTCP from Janus (receiver reports, REMB, PLI): the source sends key frames anyway
    }
  }

  @Override
  public void close() {
    if (peer != null) {
      peer.eventLoop().execute(() -> {
        if (sender != null) {
          sender.stop();
        }
      });
      peer.close();
    }
  }
}
