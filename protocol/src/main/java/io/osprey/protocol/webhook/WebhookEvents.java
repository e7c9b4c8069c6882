package io.osprey.protocol.webhook;

/** The {@code event} names of LiveKit webhooks. */
public final class WebhookEvents {
  public static final String ROOM_STARTED = "room_started";
  public static final String ROOM_FINISHED = "room_finished";
  public static final String PARTICIPANT_JOINED = "participant_joined";
  public static final String PARTICIPANT_LEFT = "participant_left";
  public static final String PARTICIPANT_CONNECTION_ABORTED = "participant_connection_aborted";
  public static final String TRACK_PUBLISHED = "track_published";
  public static final String TRACK_UNPUBLISHED = "track_unpublished";
  public static final String EGRESS_STARTED = "egress_started";
  public static final String EGRESS_UPDATED = "egress_updated";
  public static final String EGRESS_ENDED = "egress_ended";
  public static final String INGRESS_STARTED = "ingress_started";
  public static final String INGRESS_ENDED = "ingress_ended";

  private WebhookEvents() {}
}
