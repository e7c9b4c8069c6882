/**
 * The Netty adapters that drive the sans-IO sessions over real sockets: one UDP port shared by
 * every peer (routed by ICE ufrag, then by remote address), each session on one event loop with
 * its timers scheduled there. The only package of {@code transport} that touches sockets and clocks.
 */
package io.osprey.transport.io;
