/**
 * The LiveKit wire protocol as Osprey's own {@code .proto} files (generated into
 * {@code io.osprey.protocol.livekit}), its JSON forms, access tokens and webhook signing.
 */
package io.osprey.protocol;
