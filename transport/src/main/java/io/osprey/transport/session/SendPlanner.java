package io.osprey.transport.session;

/**
 * Decides, while an offer is answered, what the server sends on each section the peer receives
 * on (LiveKit's single peer connection: the client pre-adds receive-only sections and the server
 * fills them with the tracks it forwards). Called on the session's loop.
 */
@FunctionalInterface
public interface SendPlanner {
  /**
   * @param offered a section the peer can receive on (recvonly or sendrecv)
   * @return what to send there (its codec one of {@code offered.codecs()}), or null for nothing:
   *     the section is answered inactive
   */
  SendSection plan(RemoteSection offered);
}
