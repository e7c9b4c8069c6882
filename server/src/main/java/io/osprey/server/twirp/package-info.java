/** Twirp (twitchtv/twirp protocol v7) services: RoomService, errors, JSON and protobuf codecs. */
package io.osprey.server.twirp;
