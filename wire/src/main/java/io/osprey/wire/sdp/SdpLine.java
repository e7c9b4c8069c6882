package io.osprey.wire.sdp;

/** One {@code <type>=<value>} line of SDP (RFC 8866 §5). */
public record SdpLine(char type, String value) {
  public SdpLine {
    if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("SDP value must be one line");
    }
  }

  /** An attribute line {@code a=name[:value]}. */
  public static SdpLine attribute(String name, String value) {
    return new SdpLine('a', value == null ? name : name + ":" + value);
  }

  /** For {@code a=} lines: the attribute name. */
  public String attributeName() {
    int colon = value.indexOf(':');
    return colon < 0 ? value : value.substring(0, colon);
  }

  /** For {@code a=} lines: the attribute value, or null for a flag attribute. */
  public String attributeValue() {
    int colon = value.indexOf(':');
    return colon < 0 ? null : value.substring(colon + 1);
  }

  @Override
  public String toString() {
    return type + "=" + value;
  }
}
