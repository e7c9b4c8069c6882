/**
 * Where rooms live: the {@link io.osprey.server.routing.Router} the signal endpoint and the
 * RoomService go through to find or place a room, {@link io.osprey.server.routing.LocalRouter}
 * for one node, and the Redis-backed router for several nodes sharing one Redis.
 */
package io.osprey.server.routing;
