package io.osprey.server.twirp;

import io.osprey.protocol.auth.ClaimGrants;

/**
 * Who is calling a Twirp method: the verified grants, and whether another node of the cluster
 * forwarded the call to this one (its {@code X-Osprey-Forwarded-By} header). A forwarded call is
 * answered here and never sent on, so a stale placement cannot bounce a call between nodes; the
 * header only narrows what a call may do, so a client setting it gains nothing.
 *
 * @param forwardedBy the forwarding node's id, empty for a call from a client
 */
public record TwirpCall(ClaimGrants grants, String forwardedBy) {
  /** The HTTP header a forwarding node sets. */
  public static final String FORWARDED_BY = "X-Osprey-Forwarded-By";

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
