/** JSON forms of the LiveKit protocol (protojson, as Twirp, webhooks and tokens use it). */
package io.osprey.protocol.json;
