/**
 * Janus (Meetecho's WebRTC server) as a load-test target: its HTTP REST API ({@link
 * io.osprey.cli.janus.JanusApi}: a session, plugin handles, messages answered at once or by an
 * event fetched by long poll), the VideoRoom plugin's publisher and subscriber flows, and the
 * media on our own transport: publishers offer as a full-ICE client ({@code PeerSession} client
 * role); subscribers answer Janus's offer as ICE-lite, DTLS passive ({@code PeerSession} server
 * role), Janus being the controlling, full-ICE offerer.
 */
package io.osprey.cli.janus;
