/** Signalling: {@code /rtc} WebSocket sessions and their validation. */
package io.osprey.server.signal;
