/** HTTP on Netty: routing, CORS, health, auth middleware, the Twirp endpoint and the signalling seam. */
package io.osprey.server.http;
