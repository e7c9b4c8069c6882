package io.osprey.server.routing;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.Collections;
import java.util.List;

/**
 * The address other nodes reach this one at, for its registry entry: the first bind address
 * that is not a wildcard (IPv4 first), else {@code rtc.node_ip}, else this host's first up,
 * non-loopback IPv4 address, else loopback.
 */
public final class NodeAddresses {
  private NodeAddresses() {}

  /** The node's HTTP URL for other nodes. */
  public static URI httpUrl(List<String> bindAddresses, String nodeIp, int port) {
    String host = host(bindAddresses, nodeIp);
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
  }

  /** The host part of {@link #httpUrl}. */
  public static String host(List<String> bindAddresses, String nodeIp) {
    List<String> specific = bindAddresses.stream()
        .filter(a -> !a.equals("0.0.0.0") && !a.equals("::") && !a.isBlank()).toList();
    for (String a : specific) {
      if (!a.contains(":")) {
        return a.equals("localhost") ? "127.0.0.1" : a;
      }
    }
    if (!specific.isEmpty()) {
      return specific.get(0);
    }
    if (nodeIp != null && !nodeIp.isBlank()) {
      return nodeIp;
    }
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      // fall through to loopback
    }
    return InetAddress.getLoopbackAddress().getHostAddress();
  }
}
