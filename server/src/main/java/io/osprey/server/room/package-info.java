/** Rooms and participants: state owned by one event loop per room, lifecycle, limits. */
package io.osprey.server.room;
