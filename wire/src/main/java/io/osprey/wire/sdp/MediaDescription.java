package io.osprey.wire.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One media section: its {@code m=} line and the lines under it, in order.
 *
 * @param media  audio, video or application
 * @param port   0 rejects the section (JSEP §5.3.1)
 * @param proto  e.g. UDP/TLS/RTP/SAVPF or UDP/DTLS/SCTP
 * @param formats payload types, or "webrtc-datachannel"
 */
public record MediaDescription(String media, int port, String proto, List<String> formats, List<SdpLine> lines) {
  public MediaDescription {
    formats = List.copyOf(formats);
    lines = List.copyOf(lines);
  }

  /** Values of every {@code a=name} line, in order (empty for a flag, or a value-less line). */
  public List<String> attributes(String name) {
    List<String> out = new ArrayList<>();
    for (SdpLine l : lines) {
      if (l.type() == 'a' && l.attributeName().equals(name)) {
        String v = l.attributeValue();
        out.add(v == null ? "" : v);
      }
    }
    return out;
  }

  /** The first {@code a=name} value. */
  public Optional<String> attribute(String name) {
    List<String> all = attributes(name);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  public boolean has(String name) {
    return !attributes(name).isEmpty();
  }

  public Optional<String> mid() {
    return attribute("mid");
  }

  /** sendrecv, sendonly, recvonly or inactive (default sendrecv). */
  public String direction() {
    for (String d : List.of("sendrecv", "sendonly", "recvonly", "inactive")) {
      if (has(d)) {
        return d;
      }
    }
    return "sendrecv";
  }

  /** The payload type of the first rtpmap with this encoding name (case-insensitive), or -1. */
  public int payloadType(String encodingName) {
    for (String rtpmap : attributes("rtpmap")) {
      String[] parts = rtpmap.split("[ /]");
      if (parts.length >= 2 && parts[1].equalsIgnoreCase(encodingName) && parts[0].matches("\\d{1,3}")) {
        return Integer.parseInt(parts[0]);
      }
    }
    return -1;
  }

  /** The {@code m=} line's value. */
  public String mLine() {
    return media + " " + port + " " + proto + " " + String.join(" ", formats);
  }
}
