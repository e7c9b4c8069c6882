package io.osprey.server.twirp;

import io.osprey.protocol.auth.ClaimGrants;

/**
 * Who is calling a Twirp method: the verified grants, and whether another node of the cluster
 * forwarded the call to this one (its {@link io.osprey.server.routing.NodeClient#FORWARDED_BY}
 * header). A forwarded call is answered here and never sent on.
 *
 * @param forwardedBy the forwarding node's id, empty for a call from a client
 */
public record TwirpCall(ClaimGrants grants, String forwardedBy) {
  public TwirpCall {
    forwardedBy = forwardedBy == null ? "" : forwardedBy;
  }

  /** A call straight from a client. */
  public static TwirpCall direct(ClaimGrants grants) {
    return new TwirpCall(grants, "");
  }

  public boolean forwarded() {
    return !forwardedBy.isEmpty();
  }
}
