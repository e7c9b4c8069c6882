/** Audio levels from the RFC 6464 header extension and active speaker detection. */
package io.osprey.sfu.audio;
