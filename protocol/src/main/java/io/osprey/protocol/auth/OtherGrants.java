package io.osprey.protocol.auth;

/** The smaller grants of a LiveKit token, each its own claim object. */
public final class OtherGrants {
  private OtherGrants() {}

  /** {@code sip}: administer SIP trunks and rules, make SIP calls. */
  public record SipGrant(boolean admin, boolean call) {}

  /** {@code agent}: administer agents. */
  public record AgentGrant(boolean admin) {}

  /** {@code inference}: use LiveKit inference. */
  public record InferenceGrant(boolean perform) {}

  /** {@code observability}: write observability data. */
  public record ObservabilityGrant(boolean write) {}
}
