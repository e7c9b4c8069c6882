/** Server APIs of LiveKit-compatible servers: RoomService over Twirp. (Tokens and webhooks live in osprey-protocol.) */
package io.osprey.sdk.api;
