package io.osprey.protocol.auth;

import java.util.List;

/**
 * The {@code video} claim of a LiveKit access token: what the bearer may do with rooms. The
 * nullable permissions follow LiveKit's defaults when absent: publish and subscribe allowed,
 * publishing data as publishing, updating one's own metadata not allowed.
 *
 * @param canPublishSources lower-case source names ("camera", "microphone", "screen_share",
 *                          "screen_share_audio"); empty means all
 */
public record VideoGrant(
    boolean roomCreate,
    boolean roomList,
    boolean roomRecord,
    boolean roomAdmin,
    boolean roomJoin,
    String room,
    Boolean canPublish,
    Boolean canSubscribe,
    Boolean canPublishData,
    List<String> canPublishSources,
    Boolean canUpdateOwnMetadata,
    boolean ingressAdmin,
    boolean hidden,
    boolean recorder,
    boolean agent,
    Boolean canSubscribeMetrics,
    Boolean canManageAgentSession,
    String destinationRoom) {

  /** A grant with nothing allowed. */
  public static final VideoGrant NONE = builder().build();

  public VideoGrant {
    room = room == null ? "" : room;
    destinationRoom = destinationRoom == null ? "" : destinationRoom;
    canPublishSources = canPublishSources == null ? List.of() : List.copyOf(canPublishSources);
  }

  /** May publish media (absent means yes). */
  public boolean mayPublish() {
    return canPublish == null || canPublish;
  }

  /** May subscribe (absent means yes). */
  public boolean maySubscribe() {
    return canSubscribe == null || canSubscribe;
  }

  /** May publish data (absent means as {@link #mayPublish()}). */
  public boolean mayPublishData() {
    return canPublishData == null ? mayPublish() : canPublishData;
  }

  /** May change its own name, metadata and attributes (absent means no). */
  public boolean mayUpdateOwnMetadata() {
    return canUpdateOwnMetadata != null && canUpdateOwnMetadata;
  }

  /** Whether {@code source} (lower-case LiveKit name) may be published. */
  public boolean mayPublishSource(String source) {
    return mayPublish() && (canPublishSources.isEmpty() || canPublishSources.contains(source));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.roomCreate = roomCreate;
    b.roomList = roomList;
    b.roomRecord = roomRecord;
    b.roomAdmin = roomAdmin;
    b.roomJoin = roomJoin;
    b.room = room;
    b.canPublish = canPublish;
    b.canSubscribe = canSubscribe;
    b.canPublishData = canPublishData;
    b.canPublishSources = canPublishSources;
    b.canUpdateOwnMetadata = canUpdateOwnMetadata;
    b.ingressAdmin = ingressAdmin;
    b.hidden = hidden;
    b.recorder = recorder;
    b.agent = agent;
    b.canSubscribeMetrics = canSubscribeMetrics;
    b.canManageAgentSession = canManageAgentSession;
    b.destinationRoom = destinationRoom;
    return b;
  }

  /** Builds a {@link VideoGrant}; unset permissions stay absent (LiveKit defaults). */
  public static final class Builder {
    private boolean roomCreate;
    private boolean roomList;
    private boolean roomRecord;
    private boolean roomAdmin;
    private boolean roomJoin;
    private String room = "";
    private Boolean canPublish;
    private Boolean canSubscribe;
    private Boolean canPublishData;
    private List<String> canPublishSources = List.of();
    private Boolean canUpdateOwnMetadata;
    private boolean ingressAdmin;
    private boolean hidden;
    private boolean recorder;
    private boolean agent;
    private Boolean canSubscribeMetrics;
    private Boolean canManageAgentSession;
    private String destinationRoom = "";

    public Builder roomCreate(boolean v) { roomCreate = v; return this; }
    public Builder roomList(boolean v) { roomList = v; return this; }
    public Builder roomRecord(boolean v) { roomRecord = v; return this; }
    public Builder roomAdmin(boolean v) { roomAdmin = v; return this; }
    public Builder roomJoin(boolean v) { roomJoin = v; return this; }
    public Builder room(String v) { room = v; return this; }
    public Builder canPublish(Boolean v) { canPublish = v; return this; }
    public Builder canSubscribe(Boolean v) { canSubscribe = v; return this; }
    public Builder canPublishData(Boolean v) { canPublishData = v; return this; }
    public Builder canPublishSources(List<String> v) { canPublishSources = v; return this; }
    public Builder canUpdateOwnMetadata(Boolean v) { canUpdateOwnMetadata = v; return this; }
    public Builder ingressAdmin(boolean v) { ingressAdmin = v; return this; }
    public Builder hidden(boolean v) { hidden = v; return this; }
    public Builder recorder(boolean v) { recorder = v; return this; }
    public Builder agent(boolean v) { agent = v; return this; }
    public Builder canSubscribeMetrics(Boolean v) { canSubscribeMetrics = v; return this; }
    public Builder canManageAgentSession(Boolean v) { canManageAgentSession = v; return this; }
    public Builder destinationRoom(String v) { destinationRoom = v; return this; }

    public VideoGrant build() {
      return new VideoGrant(roomCreate, roomList, roomRecord, roomAdmin, roomJoin, room, canPublish, canSubscribe,
          canPublishData, canPublishSources, canUpdateOwnMetadata, ingressAdmin, hidden, recorder, agent,
          canSubscribeMetrics, canManageAgentSession, destinationRoom);
    }
  }
}
