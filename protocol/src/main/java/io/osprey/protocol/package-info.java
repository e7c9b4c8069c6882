/** The LiveKit wire protocol as our own {@code .proto} files, access tokens and webhook signing. */
package io.osprey.protocol;
