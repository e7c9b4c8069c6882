package io.osprey.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as lk takes them: "1h", "30m", "90s", "1h30m". */
final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(h|m|s)");

  private Durations() {}

  static Duration parse(String text) {
    Matcher m = PART.matcher(text.strip());
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      });
      end = m.end();
    }
    if (end == 0 || end != text.strip().length() || d.isZero()) {
      throw new CliException("invalid duration '" + text + "' (use e.g. 1h, 30m, 1h30m)");
    }
    return d;
  }
}
