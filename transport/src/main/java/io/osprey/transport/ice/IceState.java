package io.osprey.transport.ice;

/** The ICE connection state (RFC 8445 §6.1.3, W3C RTCIceConnectionState). */
public enum IceState {
  NEW,
  CHECKING,
  CONNECTED,
  DISCONNECTED,
  FAILED,
  CLOSED
}
