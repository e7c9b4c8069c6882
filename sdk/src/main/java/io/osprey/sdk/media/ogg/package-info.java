/** Ogg Opus files (RFC 3533 pages, RFC 7845 Opus mapping, RFC 6716 packet durations). */
package io.osprey.sdk.media.ogg;
