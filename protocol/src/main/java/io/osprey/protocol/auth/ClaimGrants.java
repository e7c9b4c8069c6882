package io.osprey.protocol.auth;

import io.osprey.protocol.auth.OtherGrants.AgentGrant;
import io.osprey.protocol.auth.OtherGrants.InferenceGrant;
import io.osprey.protocol.auth.OtherGrants.ObservabilityGrant;
import io.osprey.protocol.auth.OtherGrants.SipGrant;
import io.osprey.protocol.livekit.LivekitRoom.RoomConfiguration;
import java.util.List;
import java.util.Map;

/**
 * Everything a LiveKit access token says about its bearer, beside the registered JWT claims.
 *
 * @param identity   the participant identity ({@code sub}, or {@code jti} when {@code sub} is empty)
 * @param kind       participant kind in LiveKit's lower-case form ("standard", "agent", ...), or ""
 * @param sha256     base64 SHA-256 of a webhook body, on webhook tokens
 * @param roomConfig room configuration to apply when the bearer's join creates the room, or null
 * @param video      room permissions; {@link VideoGrant#NONE} when absent
 * @param sip        SIP permissions, or null
 * @param agent      agent permissions, or null
 */
public record ClaimGrants(
    String identity,
    String name,
    String kind,
    List<String> kindDetails,
    String metadata,
    Map<String, String> attributes,
    String sha256,
    String roomPreset,
    RoomConfiguration roomConfig,
    VideoGrant video,
    SipGrant sip,
    AgentGrant agent,
    InferenceGrant inference,
    ObservabilityGrant observability) {

  public ClaimGrants {
    identity = orEmpty(identity);
    name = orEmpty(name);
    kind = orEmpty(kind);
    kindDetails = kindDetails == null ? List.of() : List.copyOf(kindDetails);
    metadata = orEmpty(metadata);
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    sha256 = orEmpty(sha256);
    roomPreset = orEmpty(roomPreset);
    video = video == null ? VideoGrant.NONE : video;
  }

  /** Grants for a bearer with no token: nothing allowed. */
  public static final ClaimGrants ANONYMOUS =
      new ClaimGrants("", "", "", null, "", null, "", "", null, null, null, null, null, null);

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
