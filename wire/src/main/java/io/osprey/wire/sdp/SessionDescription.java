package io.osprey.wire.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A session description: the session-level lines, then the media sections, each exactly as read
 * so that {@link #write()} of a parsed description reproduces it (with CRLF line ends).
 */
public record SessionDescription(List<SdpLine> sessionLines, List<MediaDescription> media) {
  /** Default bounds on what a peer may send. */
  public static final int MAX_LENGTH = 64 * 1024;
  public static final int MAX_MEDIA = 256;

  public SessionDescription {
    sessionLines = List.copyOf(sessionLines);
    media = List.copyOf(media);
  }

  /** Parses SDP text (CRLF or LF line ends; trailing blank lines and whitespace tolerated). */
  public static SessionDescription parse(String text) throws SdpFormatException {
    if (text == null || text.length() > MAX_LENGTH) {
      throw new SdpFormatException(0, "missing or longer than " + MAX_LENGTH + " characters");
    }
    String[] raw = text.split("\r?\n", -1);
    List<SdpLine> session = new ArrayList<>();
    List<MediaDescription> media = new ArrayList<>();
    String[] mParts = null;
    List<SdpLine> mLines = null;
    int mNumber = 0;
    int number = 0;
    for (String line : raw) {
      number++;
      String l = line.stripTrailing();
      if (l.isEmpty()) {
        continue;
      }
      if (l.indexOf('\r') >= 0) {
        throw new SdpFormatException(number, "carriage return inside a line");
      }
      if (l.length() < 2 || l.charAt(1) != '=' || l.charAt(0) < 'a' || l.charAt(0) > 'z') {
        throw new SdpFormatException(number, "not of the form <letter>=<value>");
      }
      char type = l.charAt(0);
      String value = l.substring(2);
      if (session.isEmpty() && mParts == null && !(type == 'v' && value.equals("0"))) {
        throw new SdpFormatException(number, "a description must start with v=0");
      }
      if (type == 'm') {
        if (mParts != null) {
          media.add(media(mParts, mLines, mNumber));
        }
        if (media.size() >= MAX_MEDIA) {
          throw new SdpFormatException(number, "more than " + MAX_MEDIA + " media sections");
        }
        mParts = value.split(" ");
        if (mParts.length < 4) {
          throw new SdpFormatException(number, "m= needs media, port, proto and formats");
        }
        mLines = new ArrayList<>();
        mNumber = number;
      } else if (mParts == null) {
        session.add(new SdpLine(type, value));
      } else {
        mLines.add(new SdpLine(type, value));
      }
    }
    if (session.isEmpty()) {
      throw new SdpFormatException(1, "empty description");
    }
    if (mParts != null) {
      media.add(media(mParts, mLines, mNumber));
    }
    return new SessionDescription(session, media);
  }

  private static MediaDescription media(String[] parts, List<SdpLine> lines, int number) throws SdpFormatException {
    String portField = parts[1];
    int slash = portField.indexOf('/');
    String portText = slash < 0 ? portField : portField.substring(0, slash);
    if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new SdpFormatException(number, "bad port '" + portField + "'");
    }
    int port = Integer.parseInt(portText);
    if (port > 65535) {
      throw new SdpFormatException(number, "port out of range: " + port);
    }
    List<String> formats = List.of(parts).subList(3, parts.length);
    return new MediaDescription(parts[0], port, parts[2], formats, lines);
  }

  /** Writes the description with CRLF line ends, as JSEP expects. */
  public String write() {
    StringBuilder b = new StringBuilder();
    for (SdpLine l : sessionLines) {
      b.append(l).append("\r\n");
    }
    for (MediaDescription m : media) {
      b.append("m=").append(m.mLine()).append("\r\n");
      for (SdpLine l : m.lines()) {
        b.append(l).append("\r\n");
      }
    }
    return b.toString();
  }

  /** A session-level attribute value. */
  public Optional<String> attribute(String name) {
    for (SdpLine l : sessionLines) {
      if (l.type() == 'a' && l.attributeName().equals(name)) {
        return Optional.ofNullable(l.attributeValue() == null ? "" : l.attributeValue());
      }
    }
    return Optional.empty();
  }

  /** A media-level attribute, falling back to the session level (ice-ufrag, fingerprint, setup...). */
  public Optional<String> attribute(MediaDescription m, String name) {
    Optional<String> own = m.attribute(name);
    return own.isPresent() ? own : attribute(name);
  }
}
