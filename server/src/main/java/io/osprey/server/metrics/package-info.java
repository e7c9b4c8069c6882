/** Prometheus metrics with livekit-server's names. */
package io.osprey.server.metrics;
