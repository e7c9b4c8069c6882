package io.osprey.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One measurement as {@code bench/loadtest.sh} prints it: a flat JSON object on one line (strings,
 * numbers, null), read without a JSON library because the bench has none of its own.
 */
public record ResultLine(Map<String, Object> fields) {
  public ResultLine {
    fields = Map.copyOf(fields);
  }

  /** Every line of the JSON-lines files {@code files}; blank lines and lines not starting with '{' are skipped. */
  public static List<ResultLine> read(List<Path> files) throws IOException {
    List<ResultLine> lines = new ArrayList<>();
    for (Path f : files) {
      for (String l : Files.readAllLines(f)) {
        if (l.strip().startsWith("{")) {
          lines.add(parse(l));
        }
      }
    }
    return lines;
  }

  /** Parses one flat JSON object; nested objects and arrays are refused. */
  public static ResultLine parse(String json) {
    Map<String, Object> out = new LinkedHashMap<>();
    Cursor c = new Cursor(json.strip());
    c.expect('{');
    c.skipSpace();
    if (c.peek() == '}') {
      return new ResultLine(out);
    }
    while (true) {
      c.skipSpace();
      String key = c.string();
      c.skipSpace();
      c.expect(':');
      c.skipSpace();
      Object value = c.value();
      if (value != null) {
        out.put(key, value);
      }
      c.skipSpace();
      char next = c.next();
      if (next == '}') {
        return new ResultLine(out);
      }
      if (next != ',') {
        throw new IllegalArgumentException("expected , or } at " + (c.at - 1) + " in " + json);
      }
    }
  }

  public String text(String key) {
    Object v = fields.get(key);
    return v == null ? null : v.toString();
  }

  /** The number under {@code key}, NaN when absent or null. */
  public double number(String key) {
    return fields.get(key) instanceof Double d ? d : Double.NaN;
  }

  private static final class Cursor {
    private final String s;
    private int at;

    Cursor(String s) {
      this.s = s;
    }

    char peek() {
      if (at >= s.length()) {
        throw new IllegalArgumentException("unexpected end of " + s);
      }
      return s.charAt(at);
    }

    char next() {
      char ch = peek();
      at++;
      return ch;
    }

    void expect(char ch) {
      if (next() != ch) {
        throw new IllegalArgumentException("expected " + ch + " at " + (at - 1) + " in " + s);
      }
    }

    void skipSpace() {
      while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
        at++;
      }
    }

    String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      for (char ch = next(); ch != '"'; ch = next()) {
        if (ch == '\\') {
          char e = next();
          switch (e) {
            case 'n' -> b.append('\n');
            case 't' -> b.append('\t');
            case 'r' -> b.append('\r');
            case 'b' -> b.append('\b');
            case 'f' -> b.append('\f');
            case 'u' -> {
              b.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
              at += 4;
            }
            default -> b.append(e);
          }
        } else {
          b.append(ch);
        }
      }
      return b.toString();
    }

    Object value() {
      char ch = peek();
      if (ch == '"') {
        return string();
      }
      if (ch == '{' || ch == '[') {
        throw new IllegalArgumentException("nested values are not read: " + s);
      }
      int start = at;
      while (at < s.length() && ",} \t".indexOf(s.charAt(at)) < 0) {
        at++;
      }
      String word = s.substring(start, at);
      return switch (word) {
        case "null" -> null;
        case "true" -> Boolean.TRUE;
        case "false" -> Boolean.FALSE;
        default -> Double.parseDouble(word);
      };
    }
  }
}
