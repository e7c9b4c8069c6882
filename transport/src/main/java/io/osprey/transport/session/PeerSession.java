package io.osprey.transport.session;

import io.osprey.transport.dtls.DtlsCertificate;
import io.osprey.transport.dtls.DtlsEndpoint;
import io.osprey.transport.dtls.DtlsOutput;
import io.osprey.transport.dtls.DtlsRole;
import io.osprey.transport.dtls.DtlsSrtpKeys;
import io.osprey.transport.ice.IceAgent;
import io.osprey.transport.ice.IceControllingAgent;
import io.osprey.transport.ice.IceCredentials;
import io.osprey.transport.ice.IceLiteAgent;
import io.osprey.transport.ice.IceOutput;
import io.osprey.transport.ice.IceState;
import io.osprey.transport.sctp.DataChannels;
import io.osprey.transport.sctp.SctpAssociation;
import io.osprey.transport.sctp.SctpOutput;
import io.osprey.transport.srtp.SrtpException;
import io.osprey.wire.demux.PacketKind;
import io.osprey.wire.sdp.MediaDescription;
import io.osprey.wire.sdp.SdpFormatException;
import io.osprey.wire.sctp.SctpFormatException;
import io.osprey.wire.sdp.SessionDescription;
import io.osprey.wire.stun.StunFormatException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server side of one peer connection: answers the peer's offer as ICE-lite and DTLS server,
 * then demultiplexes every datagram (RFC 7983): STUN to the ICE agent, DTLS records to the DTLS
 * endpoint, SRTP and SRTCP to their contexts. Decrypted packets come out as {@link PeerOutput}s;
 * {@link #sendRtp} encrypts and addresses packets to the selected ICE pair. Owned by one loop.
 *
 * <p>Data channels: the application section is accepted and the SCTP association (over DTLS
 * application data) answers the peer's INIT; channel events come out as outputs.
 */
public final class PeerSession {
  /**
   * What the session needs to know about its host.
   *
   * @param client true for the client role (full controlling ICE, DTLS client, offers), false for
   *               the server (ICE-lite, DTLS server, answers)
   */
  public record Config(DtlsCertificate certificate, List<InetSocketAddress> hostCandidates, boolean replayProtection,
                       boolean client, List<InetSocketAddress> tcpCandidates) {
    /** The server role, UDP only. */
    public Config(DtlsCertificate certificate, List<InetSocketAddress> hostCandidates, boolean replayProtection) {
      this(certificate, hostCandidates, replayProtection, false, List.of());
    }

    /** Either role, UDP only. */
    public Config(DtlsCertificate certificate, List<InetSocketAddress> hostCandidates, boolean replayProtection,
                  boolean client) {
      this(certificate, hostCandidates, replayProtection, client, List.of());
    }
  }

  private final Config config;
  private final IceAgent ice;
  private final IceLiteAgent lite;
  private final IceControllingAgent controller;
  private boolean dtlsStarted;
  private DtlsRole dtlsRole;
  private final ArrayDeque<PeerOutput> outputs = new ArrayDeque<>();
  private DatagramSink mediaSink;
  private final Map<String, AnswerBuilder.Accepted> accepted = new LinkedHashMap<>();
  private final Map<String, RemoteSection> remoteSections = new LinkedHashMap<>();
  private final Map<String, SendSection.Repair> repairs = new java.util.HashMap<>();
  private final Map<String, Integer> remoteExtensions = new java.util.HashMap<>();
  private long offerVersion = 1;
  private SendPlanner planner;
  private java.util.function.Function<String, String> codecPreference;
  private DtlsEndpoint dtls;
  private SctpAssociation sctp;
  private DataChannels channels;
  private DtlsSrtpKeys srtp;
  private InetSocketAddress lastRemote;
  private InetSocketAddress lastLocal;
  private boolean closed;
  private long lastInputNanos;
  private long srtpFailures;
  private Runnable wakeup;
  /** Server role: the peer's ICE ufrag from its last description; a new one in an offer is an ICE restart. */
  private String remoteUfrag;
  /** Client role: the credentials an ICE-restart offer carried, until its answer brings the peer's. */
  private IceCredentials restartCredentials;

  public PeerSession(Config config) {
    this.config = config;
    if (config.client()) {
      this.lite = null;
      this.controller = new IceControllingAgent(IceCredentials.random(), IceControllingAgent.Config.defaults(),
          new java.util.SplittableRandom(new SecureRandom().nextLong()));
      for (InetSocketAddress c : config.hostCandidates()) {
        controller.addLocalCandidate(c, 2130706431L);
      }
      this.ice = controller;
    } else {
      this.controller = null;
      this.lite = new IceLiteAgent(IceCredentials.random(), IceLiteAgent.Config.defaults());
      this.ice = lite;
    }
  }

  /**
   * Client role: the offer, with a VP8 video section (if {@code video}) and a data channel section
   * (if {@code dataChannel}).
   */
  public String createOffer(boolean video, boolean dataChannel) {
    long ssrc = video ? (new SecureRandom().nextInt() & 0x7fffffffL) | 1 : 0;
    if (video) {
      accepted.put(OfferBuilder.VIDEO_MID, new AnswerBuilder.Accepted(OfferBuilder.VIDEO_MID, "video", OfferBuilder.VP8, ssrc));
    }
    if (dataChannel) {
      accepted.put(OfferBuilder.DATA_MID, new AnswerBuilder.Accepted(OfferBuilder.DATA_MID, "application", -1, 0));
      sctp = new SctpAssociation(SctpAssociation.Config.defaults(), new java.util.SplittableRandom(new SecureRandom().nextLong()));
      channels = new DataChannels(sctp, true);
    }
    return OfferBuilder.build(ice.localCredentials().ufrag(), ice.localCredentials().password(),
        config.certificate().fingerprint(), config.hostCandidates(), ssrc, dataChannel).write();
  }

  /** Client role: the server's answer; ICE checks start, DTLS follows once a pair is selected. */
  public void handleAnswer(String answerSdp) throws SdpFormatException {
    handleAnswer(answerSdp, lastInputNanos);
  }

  /**
   * The peer's answer to our offer (either role). A client's first answer fixes the peer's ICE
   * credentials, candidates and fingerprint (bundled: the first accepted section's serve all); every
   * answer updates {@link #remoteSections()}: the codec chosen for each section, and the SSRCs and
   * msid of what the peer sends on it.
   */
  public void handleAnswer(String answerSdp, long nowNanos) throws SdpFormatException {
    SessionDescription answer = SessionDescription.parse(answerSdp);
    if (!config.client()) {
      handleServerAnswer(answer, nowNanos);
      return;
    }
    boolean any = false;
    for (MediaDescription m : answer.media()) {
      String mid = m.mid().orElse("");
      if (m.port() == 0) {
        remoteSections.remove(mid);
        continue;
      }
      if (!any && dtls == null) {
        startClientTransport(answer, m, nowNanos);
      } else if (!any && restartCredentials != null) {
        restartClientTransport(answer, m);
      }
      any = true;
      if (!m.media().equals("application") && !m.formats().isEmpty() && m.formats().get(0).matches("\\d{1,3}")) {
        RtpCodec.of(m, Integer.parseInt(m.formats().get(0))).ifPresent(c -> remoteSections.put(mid, describe(m, mid, c)));
      }
      readExtensions(m);
    }
    if (!any) {
      throw new SdpFormatException(0, "answer accepts no section");
    }
  }

  /** Client role: ICE checks start towards the answer's candidates; DTLS (as client) follows a selected pair. */
  private void startClientTransport(SessionDescription answer, MediaDescription m, long nowNanos)
      throws SdpFormatException {
    String ufrag = answer.attribute(m, "ice-ufrag").orElseThrow(() -> new SdpFormatException(0, "answer has no ice-ufrag"));
    String pwd = answer.attribute(m, "ice-pwd").orElseThrow(() -> new SdpFormatException(0, "answer has no ice-pwd"));
    String[] fp = answer.attribute(m, "fingerprint").orElseThrow(() -> new SdpFormatException(0, "answer has no fingerprint"))
        .trim().split(" ", 2);
    try {
      controller.setRemoteCredentials(new IceCredentials(ufrag, pwd));
    } catch (IllegalArgumentException e) {
      throw new SdpFormatException(0, "answer ICE credentials too short");
    }
    for (String c : m.attributes("candidate")) {
      addRemoteCandidate(c);
    }
    // RFC 8842 §5.3: the answerer picks the DTLS role; an answer of "active" (Janus's, and what
    // browsers answer) makes us the DTLS server, waiting for its ClientHello from the start
    dtlsRole = answer.attribute(m, "setup").map(String::trim).filter("active"::equals).isPresent()
        ? DtlsRole.SERVER : DtlsRole.CLIENT;
    dtls = new DtlsEndpoint(dtlsRole, config.certificate(), fp[0], fp.length > 1 ? fp[1] : "",
        DtlsEndpoint.Config.defaults());
    dtls.setWakeup(wakeup);
    if (dtlsRole == DtlsRole.SERVER) {
      dtlsStarted = true;
      dtls.start(nowNanos);
    }
  }

  /** Client role: the answer to an ICE-restart offer; checks start again with both sides' new credentials. */
  private void restartClientTransport(SessionDescription answer, MediaDescription m) throws SdpFormatException {
    String ufrag = answer.attribute(m, "ice-ufrag").orElseThrow(() -> new SdpFormatException(0, "answer has no ice-ufrag"));
    String pwd = answer.attribute(m, "ice-pwd").orElseThrow(() -> new SdpFormatException(0, "answer has no ice-pwd"));
    IceCredentials remote;
    try {
      remote = new IceCredentials(ufrag, pwd);
    } catch (IllegalArgumentException e) {
      throw new SdpFormatException(0, "answer ICE credentials too short");
    }
    controller.restart(restartCredentials, remote);
    restartCredentials = null;
    for (String c : m.attributes("candidate")) {
      addRemoteCandidate(c);
    }
  }

  /**
   * Server role, before the next {@link #createServerOffer}: new local ICE credentials, so that offer
   * restarts ICE (LiveKit's subscriber connection on a resume). The selected pair serves until the
   * peer nominates one with the new credentials.
   */
  public void restartIce() {
    if (lite == null) {
      throw new IllegalStateException("client sessions restart ICE with createClientOffer(sections, true)");
    }
    remoteUfrag = null;
    lite.restart(IceCredentials.random(), null);
  }

  /** Server role: the ufrag of the peer's offer; a different one than before is an ICE restart (RFC 8445 §9.2). */
  private void learnRemoteUfrag(String ufrag) {
    if (remoteUfrag != null && !remoteUfrag.equals(ufrag)) {
      lite.restart(IceCredentials.random(), ufrag);
    } else {
      lite.setRemoteUfrag(ufrag);
    }
    remoteUfrag = ufrag;
  }

  /**
   * Client role: one of the peer's candidates ({@code a=candidate} value, or a trickled one without
   * the {@code candidate:} prefix). Only UDP candidates are used; others are ignored.
   */
  public void addRemoteCandidate(String candidate) throws SdpFormatException {
    if (controller == null) {
      return; // ICE-lite learns the peer's address from its checks
    }
    String[] parts = (candidate.startsWith("candidate:") ? candidate.substring(10) : candidate).trim().split(" ");
    if (parts.length >= 8 && parts[2].equalsIgnoreCase("udp")) {
      try {
        controller.addRemoteCandidate(new InetSocketAddress(parts[4], Integer.parseInt(parts[5])), Long.parseLong(parts[3]));
      } catch (IllegalArgumentException e) { // NumberFormatException too
        throw new SdpFormatException(0, "bad candidate: " + candidate);
      }
    }
  }

  private void readExtensions(MediaDescription m) throws SdpFormatException {
    for (String extmap : m.attributes("extmap")) {
      String[] parts = extmap == null ? new String[0] : extmap.trim().split("\\s+");
      if (parts.length >= 2) {
        try {
          remoteExtensions.put(parts[1], Integer.parseInt(parts[0].split("/")[0]));
        } catch (NumberFormatException e) {
          throw new SdpFormatException(0, "bad extmap: " + extmap);
        }
      }
    }
  }

  /**
   * Client role: an offer of {@code sections} in order. The first offer fixes our ICE credentials
   * and certificate; later ones renegotiate on the same transport (apply each answer with
   * {@link #handleAnswer}).
   */
  public String createClientOffer(List<OfferSection> sections) {
    return createClientOffer(sections, false);
  }

  /**
   * Client role: as {@link #createClientOffer(List)}; with {@code iceRestart} the offer carries new
   * ICE credentials (RFC 8445 §9), and its answer starts checks with them while media keeps flowing
   * on the pair selected before (a resume after the signal connection dropped, or a network change).
   */
  public String createClientOffer(List<OfferSection> sections, boolean iceRestart) {
    if (!config.client()) {
      throw new IllegalStateException("server sessions offer with createServerOffer");
    }
    for (OfferSection s : sections) {
      if (s.isData()) {
        accepted.put(s.mid(), new AnswerBuilder.Accepted(s.mid(), "application", -1, 0));
        if (sctp == null) {
          sctp = new SctpAssociation(SctpAssociation.Config.defaults(),
              new java.util.SplittableRandom(new SecureRandom().nextLong()));
          channels = new DataChannels(sctp, true);
        }
      } else {
        accepted.put(s.mid(), new AnswerBuilder.Accepted(s.mid(), s.kind(), s.codecs().get(0).payloadType(), s.ssrc()));
      }
    }
    if (iceRestart && dtls != null) { // before the first answer there is nothing to restart
      restartCredentials = IceCredentials.random();
    }
    IceCredentials offered = restartCredentials != null ? restartCredentials : ice.localCredentials();
    return OfferBuilder.client(offered.ufrag(), offered.password(),
        config.certificate().fingerprint(), config.hostCandidates(), ++offerVersion, sections).write();
  }

  /** Server role: the peer's answer to {@link #createServerOffer}; DTLS starts (as server) on the first. */
  private void handleServerAnswer(SessionDescription answer, long nowNanos) throws SdpFormatException {
    boolean transport = false;
    for (MediaDescription m : answer.media()) {
      if (m.port() == 0) {
        continue;
      }
      noteRepair(m);
      if (transport) {
        continue; // bundled: the first accepted section's transport serves all
      }
      transport = true;
      answer.attribute(m, "ice-ufrag").ifPresent(ufrag -> {
        remoteUfrag = ufrag;
        lite.setRemoteUfrag(ufrag);
      });
      if (dtls == null) {
        String[] fp = answer.attribute(m, "fingerprint")
            .orElseThrow(() -> new SdpFormatException(0, "answer has no fingerprint")).trim().split(" ", 2);
        dtls = new DtlsEndpoint(DtlsRole.SERVER, config.certificate(), fp[0], fp.length > 1 ? fp[1] : "",
            DtlsEndpoint.Config.defaults());
        dtls.setWakeup(wakeup);
        dtls.start(nowNanos);
      }
    }
    if (!transport) {
      throw new SdpFormatException(0, "answer accepts no section");
    }
  }

  /** Server offers: the RTX stream we offered on {@code m}'s section is negotiated if the answer keeps its format. */
  private void noteRepair(MediaDescription m) {
    String mid = m.mid().orElse("");
    AnswerBuilder.Accepted offered = accepted.get(mid);
    if (offered != null && offered.repair() != null
        && m.formats().contains(Integer.toString(offered.repair().payloadType()))) {
      repairs.put(mid, offered.repair());
    } else {
      repairs.remove(mid);
    }
  }

  /**
   * Runs DTLS handshakes off the caller's loop: {@code wakeup} is called (from another thread)
   * when the handshake has produced something; the owner then calls {@link #handleWakeup} on its
   * loop. Without it (virtual-time tests), inputs wait for the handshake. Set before offering or
   * answering.
   */
  public void setWakeup(Runnable wakeup) {
    this.wakeup = wakeup;
  }

  /**
   * Sends encrypted media through {@code sink} as it is protected, on the caller's thread, rather than queuing a
   * {@link PeerOutput.Transmit} copy for {@link #poll()}; handshakes and checks still come out as outputs.
   */
  public void setMediaSink(DatagramSink sink) {
    this.mediaSink = sink;
  }

  /** Picks up what an asynchronous DTLS handshake produced (call on the session's loop after a wakeup). */
  public void handleWakeup(long nowNanos) {
    if (closed || dtls == null) {
      return;
    }
    lastInputNanos = nowNanos;
    drainDtls();
  }

  /** The local ICE username fragment: the UDP mux routes STUN by it. */
  public String localUfrag() {
    return ice.localCredentials().ufrag();
  }

  /**
   * Answers an offer: every audio/video section gets one codec from our preference and, where the
   * peer can receive, an SSRC of ours. Starts DTLS (as server, waiting for the ClientHello).
   */
  public String handleOffer(String offerSdp, long nowNanos) throws SdpFormatException {
    SessionDescription offer = SessionDescription.parse(offerSdp);
    String fingerprint = null;
    String hash = "sha-256";
    SecureRandom random = new SecureRandom();
    for (MediaDescription m : offer.media()) {
      if (m.port() == 0 || m.mid().isEmpty()) {
        m.mid().ifPresent(remoteSections::remove); // a stopped transceiver
        continue;
      }
      String mid = m.mid().get();
      String fp = offer.attribute(m, "fingerprint").orElse(null);
      if (fingerprint == null && fp != null) {
        String[] parts = fp.trim().split(" ", 2);
        hash = parts[0];
        fingerprint = parts.length > 1 ? parts[1] : "";
      }
      if (lite != null && offer.attribute(m, "ice-ufrag").isPresent()) {
        learnRemoteUfrag(offer.attribute(m, "ice-ufrag").get());
      }
      if (m.media().equals("application") && m.proto().contains("SCTP")) {
        accepted.put(mid, new AnswerBuilder.Accepted(mid, m.media(), -1, 0));
        if (sctp == null) {
          sctp = new SctpAssociation(SctpAssociation.Config.defaults(), new java.util.SplittableRandom(random.nextLong()));
          channels = new DataChannels(sctp, false);
        }
        continue;
      }
      List<String> codecs = switch (m.media()) {
        case "video" -> AnswerBuilder.VIDEO_CODECS;
        case "audio" -> AnswerBuilder.AUDIO_CODECS;
        default -> List.of();
      };
      String[] msid = m.attribute("msid").orElse("").trim().split(" ");
      String wanted = codecPreference == null || msid.length < 2 ? null : codecPreference.apply(msid[1]);
      int pt = wanted == null ? -1 : preferredPayloadType(m, List.of(wanted));
      if (pt < 0) {
        pt = preferredPayloadType(m, codecs);
      }
      if (pt >= 0) {
        boolean peerReceives = !m.direction().equals("sendonly") && !m.direction().equals("inactive");
        RemoteSection described = RtpCodec.of(m, pt).map(c -> describe(m, mid, c)).orElse(null);
        if (described != null) {
          remoteSections.put(mid, described);
        }
        if (planner != null && peerReceives && described != null) {
          SendSection plan = planner.plan(described);
          AnswerBuilder.Accepted a = plan == null || !plan.active() ? new AnswerBuilder.Accepted(mid, m.media(), pt, 0)
              : new AnswerBuilder.Accepted(mid, m.media(), plan.codec().payloadType(), plan.ssrc(),
                  plan.streamId() + " " + plan.trackId(), plan.repair());
          accepted.put(mid, a);
          if (a.repair() != null) {
            repairs.put(mid, a.repair());
          } else {
            repairs.remove(mid);
          }
        } else {
          AnswerBuilder.Accepted before = accepted.get(mid);
          long ssrc = !peerReceives ? 0 : before != null && before.ssrc() != 0 ? before.ssrc()
              : (random.nextInt() & 0x7fffffffL) | 1;
          accepted.put(mid, new AnswerBuilder.Accepted(mid, m.media(), pt, ssrc));
        }
      }
      readExtensions(m);
    }
    if (fingerprint == null) {
      throw new SdpFormatException(0, "offer has no a=fingerprint");
    }
    SessionDescription answer = AnswerBuilder.build(offer, ice.localCredentials().ufrag(),
        ice.localCredentials().password(), config.certificate().fingerprint(), config.hostCandidates(),
        config.tcpCandidates(), accepted);
    if (dtls == null) { // a renegotiation keeps the transport
      dtls = new DtlsEndpoint(DtlsRole.SERVER, config.certificate(), hash, fingerprint, DtlsEndpoint.Config.defaults());
      dtls.setWakeup(wakeup);
      dtls.start(nowNanos);
    }
    return answer.write();
  }

  /**
   * The payload type to answer with: the first one in the offer's own order (the peer's
   * preference, e.g. livekit-client's {@code videoCodec}) whose codec we forward, or -1.
   */
  private static int preferredPayloadType(MediaDescription m, List<String> supported) {
    for (RtpCodec codec : RtpCodec.offered(m)) {
      if (supported.stream().anyMatch(name -> name.equalsIgnoreCase(codec.name()))) {
        return codec.payloadType();
      }
    }
    return -1;
  }

  private static RemoteSection describe(MediaDescription m, String mid, RtpCodec codec) {
    String[] msid = m.attribute("msid").orElse("").trim().split(" ");
    java.util.Set<Long> repair = new java.util.HashSet<>();
    for (String group : m.attributes("ssrc-group")) {
      String[] g = group == null ? new String[0] : group.trim().split(" ");
      if (g.length == 3 && g[0].equals("FID")) {
        repair.add(Long.parseLong(g[2]));
      }
    }
    java.util.Set<Long> ssrcs = new java.util.LinkedHashSet<>();
    for (String line : m.attributes("ssrc")) {
      String id = line == null ? "" : line.trim().split(" ", 2)[0];
      if (id.matches("\\d{1,10}") && Long.parseLong(id) <= 0xffffffffL && !repair.contains(Long.parseLong(id))) {
        ssrcs.add(Long.parseLong(id));
      }
    }
    List<String> rids = new java.util.ArrayList<>();
    for (String rid : m.attributes("rid")) {
      String[] r = rid == null ? new String[0] : rid.trim().split(" ");
      if (r.length >= 2 && r[1].equals("send")) {
        rids.add(r[0]);
      }
    }
    return new RemoteSection(mid, m.media(), m.direction(), codec, msid.length > 0 ? msid[0] : "",
        msid.length > 1 ? msid[1] : "", List.copyOf(ssrcs), rids, RtpCodec.offered(m));
  }

  /**
   * Server role, one peer connection for both directions (LiveKit's {@code /rtc/v1}): what to send
   * on the sections the peer receives on is decided by {@code planner} as each offer is answered.
   */
  public void setSendPlanner(SendPlanner planner) {
    this.planner = planner;
  }

  /**
   * The codec to answer a section with, by the section's msid track id (LiveKit: the codec the
   * client asked for in add_track); null, or a codec the offer lacks, leaves the peer's order.
   */
  public void setCodecPreference(java.util.function.Function<String, String> byTrackId) {
    this.codecPreference = byTrackId;
  }

  /** The peer's media sections from its offers, by mid (audio and video only). */
  public Map<String, RemoteSection> remoteSections() {
    return java.util.Collections.unmodifiableMap(remoteSections);
  }

  /**
   * The header extension id of transport-wide sequence numbers on what we send: ours in server
   * offers, the peer's when we answered its offer; -1 if not negotiated.
   */
  public int sendTransportCcId() {
    return sendExtensionId(RtpExtensions.TRANSPORT_CC);
  }

  /**
   * The header extension id of {@code uri} on what we send: ours in server offers (transport-cc
   * and AV1's dependency descriptor), the peer's when we answered its offer; -1 if not negotiated.
   */
  public int sendExtensionId(String uri) {
    if (offerVersion > 1 && !config.client()) {
      return switch (uri) {
        case RtpExtensions.TRANSPORT_CC -> OfferBuilder.TRANSPORT_CC_ID;
        case RtpExtensions.DEPENDENCY_DESCRIPTOR -> OfferBuilder.DEPENDENCY_DESCRIPTOR_ID;
        default -> -1;
      };
    }
    return remoteExtensionId(uri);
  }

  /** The id the peer's offer gave header extension {@code uri}, or -1. */
  public int remoteExtensionId(String uri) {
    return remoteExtensions.getOrDefault(uri, -1);
  }

  /**
   * Server role, on a connection the server sends on (LiveKit's subscriber connection): offers
   * {@code sections} in order. The first offer fixes ICE and DTLS; later ones renegotiate on them.
   * Apply the peer's answer with {@link #handleAnswer}.
   */
  public String createServerOffer(List<SendSection> sections) {
    if (config.client()) {
      throw new IllegalStateException("client sessions offer with createOffer");
    }
    for (SendSection s : sections) {
      if (s.isData()) {
        accepted.put(s.mid(), new AnswerBuilder.Accepted(s.mid(), "application", -1, 0));
        if (sctp == null) {
          sctp = new SctpAssociation(SctpAssociation.Config.defaults(),
              new java.util.SplittableRandom(new SecureRandom().nextLong()));
          channels = new DataChannels(sctp, false);
        }
      } else {
        accepted.put(s.mid(), new AnswerBuilder.Accepted(s.mid(), s.kind(), s.codec().payloadType(),
            s.active() ? s.ssrc() : 0, null, s.repair()));
      }
    }
    return OfferBuilder.server(ice.localCredentials().ufrag(), ice.localCredentials().password(),
        config.certificate().fingerprint(), config.hostCandidates(), config.tcpCandidates(), ++offerVersion, sections)
        .write();
  }

  /**
   * The retransmission stream (RFC 4588) negotiated on our section {@code mid}: offered by us and
   * kept by the peer's answer, or offered by the peer and taken in our answer; null when resends
   * go on the primary stream.
   */
  public SendSection.Repair repair(String mid) {
    return repairs.get(mid);
  }

  /** Our SSRC for the section {@code mid}, or 0. */
  public long ssrc(String mid) {
    AnswerBuilder.Accepted a = accepted.get(mid);
    return a == null ? 0 : a.ssrc();
  }

  /** A datagram arrived on {@code local} from {@code remote}. */
  public void handleDatagram(InetSocketAddress local, InetSocketAddress remote, byte[] data, int off, int len,
                             long nowNanos) {
    if (closed) {
      return;
    }
    lastInputNanos = nowNanos;
    switch (PacketKind.of(data, off, len)) {
      case STUN -> {
        try {
          ice.handleStun(data, off, len, local, remote, nowNanos);
        } catch (StunFormatException e) {
          return; // not STUN after all: dropped
        }
        drainIce();
      }
      case DTLS -> {
        if (dtls == null) {
          return;
        }
        lastRemote = remote;
        lastLocal = local;
        dtls.handleDatagram(data, off, len, nowNanos);
        drainDtls();
      }
      case RTP -> {
        if (srtp == null) {
          return;
        }
        byte[] copy = Arrays.copyOfRange(data, off, off + len);
        try {
          int n = srtp.inbound().unprotectRtp(copy, 0, copy.length);
          outputs.add(new PeerOutput.RtpReceived(Arrays.copyOf(copy, n)));
        } catch (SrtpException e) {
          srtpFailures++;
        }
      }
      case RTCP -> {
        if (srtp == null) {
          return;
        }
        byte[] copy = Arrays.copyOfRange(data, off, off + len);
        try {
          int n = srtp.inbound().unprotectRtcp(copy, 0, copy.length);
          outputs.add(new PeerOutput.RtcpReceived(Arrays.copyOf(copy, n)));
        } catch (SrtpException e) {
          srtpFailures++;
        }
      }
      default -> { }
    }
  }

  public void handleTimeout(long nowNanos) {
    if (closed) {
      return;
    }
    ice.handleTimeout(nowNanos);
    lastInputNanos = nowNanos;
    drainIce();
    if (dtls != null && dtls.nextDeadlineNanos() <= nowNanos) {
      dtls.handleTimeout(nowNanos);
      drainDtls();
    }
    if (sctp != null && sctp.nextDeadlineNanos() <= nowNanos) {
      sctp.handleTimeout(nowNanos);
      drainSctp(nowNanos);
    }
  }

  /** When {@link #handleTimeout} wants calling next; never, once closed (nothing would advance). */
  public long nextDeadlineNanos() {
    if (closed) {
      return Long.MAX_VALUE;
    }
    long next = ice.nextDeadlineNanos();
    if (dtls != null) {
      next = Math.min(next, dtls.nextDeadlineNanos());
    }
    return sctp == null ? next : Math.min(next, sctp.nextDeadlineNanos());
  }

  /**
   * Encrypts an RTP packet (with room for the tag after {@code len}) and sends it on the selected
   * pair. Returns false if the session is not connected yet.
   */
  public boolean sendRtp(byte[] packet, int off, int len) {
    InetSocketAddress to = ice.selectedRemote();
    if (srtp == null || to == null) {
      return false;
    }
    try {
      transmitMedia(to, packet, off, srtp.outbound().protectRtp(packet, off, len));
      return true;
    } catch (SrtpException e) {
      return false;
    }
  }

  /**
   * Encrypts a (compound) RTCP packet (with room for the SRTCP trailer after {@code len}) and
   * sends it on the selected pair. Returns false if the session is not connected yet.
   */
  public boolean sendRtcp(byte[] packet, int off, int len) {
    InetSocketAddress to = ice.selectedRemote();
    if (srtp == null || to == null) {
      return false;
    }
    try {
      transmitMedia(to, packet, off, srtp.outbound().protectRtcp(packet, off, len));
      return true;
    } catch (SrtpException e) {
      return false;
    }
  }

  private void transmitMedia(InetSocketAddress to, byte[] packet, int off, int len) {
    if (mediaSink != null) {
      mediaSink.send(ice.selectedLocal(), to, packet, off, len);
    } else {
      outputs.add(new PeerOutput.Transmit(ice.selectedLocal(), to, Arrays.copyOfRange(packet, off, off + len)));
    }
  }

  /** Encodes and sends one RTCP packet (the buffer gets room for the SRTCP trailer). */
  public boolean sendRtcp(io.osprey.wire.rtcp.RtcpPacket packet) {
    byte[] encoded = packet.encode();
    return sendRtcp(Arrays.copyOf(encoded, encoded.length + 64), 0, encoded.length);
  }

  /** Sends text on a data channel (ordered as the channel is). */
  public void sendText(int streamId, String text, long nowNanos) {
    if (channels != null) {
      channels.sendText(streamId, text, nowNanos);
      drainSctp(nowNanos);
    }
  }

  /** Sends binary data on a data channel. */
  public void sendBinary(int streamId, byte[] data, long nowNanos) {
    if (channels != null) {
      channels.sendBinary(streamId, data, nowNanos);
      drainSctp(nowNanos);
    }
  }

  /** Opens a data channel from our side; {@link PeerOutput.DataChannelOpened} follows. */
  public int openDataChannel(String label, boolean ordered, long nowNanos) {
    return openDataChannel(label, ordered, -1, nowNanos);
  }

  /** Opens a data channel that drops a message after {@code maxRetransmits} retransmissions (-1: reliable). */
  public int openDataChannel(String label, boolean ordered, int maxRetransmits, long nowNanos) {
    if (channels == null) {
      throw new IllegalStateException("the offer had no data channel section");
    }
    int stream = channels.open(label, ordered, maxRetransmits, nowNanos);
    drainSctp(nowNanos);
    return stream;
  }

  public PeerOutput poll() {
    return outputs.poll();
  }

  /** Whether {@link #poll()} has something. */
  public boolean hasOutput() {
    return !outputs.isEmpty();
  }

  /**
   * Whether data-channel messages sent here are not yet all acknowledged by the peer (queued for
   * the window or in flight): false once the peer's SCTP stack has every one of them (RFC 9260
   * §6.2, a cumulative TSN ack covering all we sent).
   */
  public boolean dataPending() {
    return sctp != null && !closed && (sctp.inFlightBytes() > 0 || sctp.queuedChunks() > 0);
  }

  public IceState iceState() {
    return ice.state();
  }

  public boolean connected() {
    return srtp != null;
  }

  public long srtpFailures() {
    return srtpFailures;
  }

  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ice.close();
    if (dtls != null) {
      dtls.close();
      drainDtls();
    }
    outputs.add(new PeerOutput.Closed("closed"));
  }

  private void drainSctp(long nowNanos) {
    if (sctp == null) {
      return;
    }
    sendSctpPackets(nowNanos);
    for (DataChannels.Event e; (e = channels.poll()) != null; ) {
      switch (e) {
        case DataChannels.Event.Opened op -> outputs.add(new PeerOutput.DataChannelOpened(op.streamId(), op.label()));
        case DataChannels.Event.Received r -> outputs.add(new PeerOutput.DataReceived(r.streamId(), r.label(), r.binary(), r.data()));
        case DataChannels.Event.Ignored ig -> { }
      }
    }
    sendSctpPackets(nowNanos); // channel events may have queued more (DCEP ACKs)
    if (dtls != null) {
      drainDtls(); // the DTLS records that carry what SCTP just sent
    }
  }

  /** Hands SCTP's packets to DTLS and its messages to the data channels. */
  private void sendSctpPackets(long nowNanos) {
    for (SctpOutput o; (o = sctp.poll()) != null; ) {
      switch (o) {
        case SctpOutput.Transmit t -> {
          if (dtls != null && dtls.connected()) {
            try {
              dtls.send(t.packet(), 0, t.packet().length);
            } catch (java.io.IOException e) {
              outputs.add(new PeerOutput.Closed("DTLS send failed: " + e.getMessage()));
            }
          }
        }
        case SctpOutput.Message m -> channels.handleMessage(m, nowNanos);
        default -> { }
      }
    }
  }

  private void drainIce() {
    for (IceOutput o; (o = ice.poll()) != null; ) {
      switch (o) {
        case IceOutput.Transmit t -> outputs.add(new PeerOutput.Transmit(t.local(), t.remote(), t.data()));
        case IceOutput.SelectedPair p -> {
          if (config.client() && dtls != null && !dtlsStarted) {
            dtlsStarted = true;
            dtls.start(lastInputNanos);
            drainDtls();
          }
        }
        case IceOutput.StateChanged s -> {
          if (s.state() == IceState.FAILED) {
            outputs.add(new PeerOutput.Closed("ICE failed"));
          }
        }
      }
    }
  }

  private void drainDtls() {
    for (DtlsOutput o; (o = dtls.poll()) != null; ) {
      switch (o) {
        case DtlsOutput.Transmit t -> {
          InetSocketAddress to = ice.selectedRemote() != null ? ice.selectedRemote() : lastRemote;
          InetSocketAddress from = ice.selectedLocal() != null ? ice.selectedLocal() : lastLocal;
          if (to != null) {
            outputs.add(new PeerOutput.Transmit(from, to, t.data()));
          }
        }
        case DtlsOutput.Connected c -> {
          srtp = DtlsSrtpKeys.of(c, dtlsRole != null ? dtlsRole : config.client() ? DtlsRole.CLIENT : DtlsRole.SERVER,
              config.replayProtection());
          outputs.add(new PeerOutput.Connected(ice.selectedRemote()));
          if (config.client() && sctp != null) {
            sctp.connect(lastInputNanos);
            drainSctp(lastInputNanos);
          }
        }
        case DtlsOutput.ApplicationData a -> {
          if (sctp != null) {
            try {
              sctp.handlePacket(a.data(), 0, a.data().length, lastInputNanos);
            } catch (SctpFormatException e) {
              // a malformed SCTP packet is dropped; the association carries on
            }
            drainSctp(lastInputNanos);
          }
        }
        case DtlsOutput.Dropped d -> { }
        case DtlsOutput.Closed c -> {
          if (c.failed()) {
            outputs.add(new PeerOutput.Closed(c.reason()));
          }
        }
      }
    }
  }
}
