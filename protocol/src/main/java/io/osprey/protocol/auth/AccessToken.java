package io.osprey.protocol.auth;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.osprey.protocol.auth.OtherGrants.AgentGrant;
import io.osprey.protocol.auth.OtherGrants.InferenceGrant;
import io.osprey.protocol.auth.OtherGrants.ObservabilityGrant;
import io.osprey.protocol.auth.OtherGrants.SipGrant;
import io.osprey.protocol.livekit.LivekitRoom.RoomConfiguration;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a LiveKit access token: an HS256 JWT with {@code iss} = API key, {@code sub} = identity,
 * {@code iat}/{@code nbf} = now, {@code exp} = now + validity (6 h by default), and LiveKit's grant
 * claims. Tokens from here verify with LiveKit's servers and SDKs, and theirs with Osprey.
 *
 * <pre>{@code
 * String jwt = new AccessToken("devkey", "secret")
 *     .identity("alice")
 *     .video(VideoGrant.builder().roomJoin(true).room("my-room").build())
 *     .toJwt();
 * }</pre>
 */
public final class AccessToken {
  /** LiveKit's default validity. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofHours(6);

  private final String apiKey;
  private final String apiSecret;
  private InstantSource clock = InstantSource.system();
  private Duration validFor = DEFAULT_VALIDITY;
  private Instant notBefore;
  private String identity = "";
  private String name = "";
  private String kind = "";
  private List<String> kindDetails = List.of();
  private String metadata = "";
  private Map<String, String> attributes = Map.of();
  private String sha256 = "";
  private String roomPreset = "";
  private RoomConfiguration roomConfig;
  private VideoGrant video = VideoGrant.NONE;
  private SipGrant sip;
  private AgentGrant agent;
  private InferenceGrant inference;
  private ObservabilityGrant observability;

  public AccessToken(String apiKey, String apiSecret) {
    if (apiKey == null || apiKey.isEmpty() || apiSecret == null || apiSecret.isEmpty()) {
      throw new IllegalArgumentException("API key and secret are required");
    }
    this.apiKey = apiKey;
    this.apiSecret = apiSecret;
  }

  public AccessToken clock(InstantSource clock) { this.clock = Objects.requireNonNull(clock); return this; }
  public AccessToken validFor(Duration d) { this.validFor = Objects.requireNonNull(d); return this; }
  public AccessToken notBefore(Instant t) { this.notBefore = t; return this; }
  public AccessToken identity(String v) { this.identity = Objects.requireNonNull(v); return this; }
  public AccessToken name(String v) { this.name = Objects.requireNonNull(v); return this; }
  /** Participant kind in LiveKit's lower-case form: "standard", "ingress", "egress", "sip", "agent". */
  public AccessToken kind(String v) { this.kind = Objects.requireNonNull(v); return this; }
  public AccessToken kindDetails(List<String> v) { this.kindDetails = List.copyOf(v); return this; }
  public AccessToken metadata(String v) { this.metadata = Objects.requireNonNull(v); return this; }
  public AccessToken attributes(Map<String, String> v) { this.attributes = Map.copyOf(v); return this; }
  /** Base64 SHA-256 of a body this token vouches for (webhooks). */
  public AccessToken sha256(String v) { this.sha256 = Objects.requireNonNull(v); return this; }
  public AccessToken roomPreset(String v) { this.roomPreset = Objects.requireNonNull(v); return this; }
  public AccessToken roomConfig(RoomConfiguration v) { this.roomConfig = v; return this; }
  public AccessToken video(VideoGrant v) { this.video = Objects.requireNonNull(v); return this; }
  public AccessToken sip(SipGrant v) { this.sip = v; return this; }
  public AccessToken agent(AgentGrant v) { this.agent = v; return this; }
  public AccessToken inference(InferenceGrant v) { this.inference = v; return this; }
  public AccessToken observability(ObservabilityGrant v) { this.observability = v; return this; }

  /** A token carrying {@code grants} (e.g. to refresh one a client holds), signed with this key. */
  public static AccessToken of(String apiKey, String apiSecret, ClaimGrants grants) {
    AccessToken t = new AccessToken(apiKey, apiSecret).identity(grants.identity()).name(grants.name())
        .kind(grants.kind()).kindDetails(grants.kindDetails()).metadata(grants.metadata())
        .attributes(grants.attributes()).sha256(grants.sha256()).roomPreset(grants.roomPreset())
        .roomConfig(grants.roomConfig()).video(grants.video());
    t.sip = grants.sip();
    t.agent = grants.agent();
    t.inference = grants.inference();
    t.observability = grants.observability();
    return t;
  }

  /** The grants this token carries. */
  public ClaimGrants grants() {
    return new ClaimGrants(identity, name, kind, kindDetails, metadata, attributes, sha256, roomPreset, roomConfig,
        video, sip, agent, inference, observability);
  }

  /**
   * Signs the token.
   *
   * @throws IllegalStateException if the video grant allows joining but no identity is set
   */
  public String toJwt() {
    if (video.roomJoin() && identity.isEmpty()) {
      throw new IllegalStateException("a token that joins a room needs an identity");
    }
    long now = clock.instant().getEpochSecond();
    long nbf = notBefore == null ? now : notBefore.getEpochSecond();
    Struct.Builder claims = Struct.newBuilder()
        .putFields("iss", ClaimsCodec.str(apiKey))
        .putFields("iat", number(now))
        .putFields("nbf", number(nbf))
        .putFields("exp", number(now + validFor.toSeconds()));
    if (!identity.isEmpty()) {
      claims.putFields("sub", ClaimsCodec.str(identity));
    }
    ClaimsCodec.write(grants(), claims);
    return Hs256Jwt.sign(claims.build(), apiSecret);
  }

  private static Value number(long v) {
    return Value.newBuilder().setNumberValue(v).build();
  }
}
