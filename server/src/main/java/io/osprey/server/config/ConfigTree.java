package io.osprey.server.config;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * livekit-server's YAML configuration as a tree of maps: the defaults (which also list every known
 * key) with a user's file merged over them. Strict: a user key absent from the defaults is an error
 * naming its full path, except under keys whose default is an empty map (free-form sections such
 * as {@code keys}). Typed getters turn wrongly typed values into one-line errors.
 */
public final class ConfigTree {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private final Map<String, Object> root;

  private ConfigTree(Map<String, Object> root) {
    this.root = root;
  }

  /** The built-in defaults. */
  public static ConfigTree defaults() {
    try (InputStream in = ConfigTree.class.getResourceAsStream("defaults.yaml")) {
      return new ConfigTree(asMap(yaml().load(in), "defaults"));
    } catch (IOException | ConfigException e) {
      throw new IllegalStateException("built-in defaults.yaml is broken", e);
    }
  }

  /**
   * Merges YAML text over this tree.
   *
   * @param strict whether unknown keys are errors
   */
  public ConfigTree merge(String yamlText, boolean strict) throws ConfigException {
    Object parsed;
    try {
      parsed = yaml().load(yamlText);
    } catch (YAMLException e) {
      String msg = e.getMessage() == null ? "invalid YAML" : e.getMessage().lines().findFirst().orElse("invalid YAML");
      throw new ConfigException("config: not valid YAML: " + msg);
    }
    if (parsed == null) {
      return this;
    }
    Map<String, Object> merged = deepCopy(root);
    mergeInto(merged, asMap(parsed, "config"), "", strict);
    return new ConfigTree(merged);
  }

  /** Sets one value by dotted path (flags and environment variables). */
  public ConfigTree with(String path, Object value) {
    Map<String, Object> copy = deepCopy(root);
    String[] parts = path.split("\\.");
    Map<String, Object> node = copy;
    for (int i = 0; i < parts.length - 1; i++) {
      node = castMap(node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>()));
    }
    node.put(parts[parts.length - 1], value);
    return new ConfigTree(copy);
  }

  public String string(String path) throws ConfigException {
    Object v = get(path);
    if (v == null) {
      return "";
    }
    if (v instanceof Map || v instanceof List) {
      throw new ConfigException("config: " + path + " must be a single value");
    }
    return String.valueOf(v);
  }

  public boolean bool(String path) throws ConfigException {
    Object v = get(path);
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new ConfigException("config: " + path + " must be true or false, not '" + v + "'");
  }

  public long integer(String path) throws ConfigException {
    Object v = get(path);
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.strip());
      } catch (NumberFormatException ignored) {
        // fall through to the error
      }
    }
    throw new ConfigException("config: " + path + " must be a whole number, not '" + v + "'");
  }

  public int port(String path) throws ConfigException {
    long p = integer(path);
    if (p < 0 || p > 65535) {
      throw new ConfigException("config: " + path + " must be a port number (0-65535), not " + p);
    }
    return (int) p;
  }

  public double decimal(String path) throws ConfigException {
    Object v = get(path);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new ConfigException("config: " + path + " must be a number, not '" + v + "'");
  }

  /** A Go-style duration ("500ms", "7.5s", "1m30s"), or a bare number of {@code bareUnit}. */
  public Duration duration(String path, java.time.temporal.ChronoUnit bareUnit) throws ConfigException {
    Object v = get(path);
    if (v instanceof Number n) {
      return Duration.of(n.longValue(), bareUnit);
    }
    String s = string(path).strip();
    Matcher m = DURATION.matcher(s);
    long nanos = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double amount = Double.parseDouble(m.group(1));
      long unit = switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos += (long) (amount * unit);
      end = m.end();
    }
    if (s.isEmpty() || end != s.length()) {
      throw new ConfigException("config: " + path + " must be a duration like 500ms or 7.5s, not '" + s + "'");
    }
    return Duration.ofNanos(nanos);
  }

  public List<String> strings(String path) throws ConfigException {
    Object v = get(path);
    if (v == null) {
      return List.of();
    }
    if (v instanceof String s) {
      return s.isBlank() ? List.of() : List.of(s);
    }
    if (!(v instanceof List<?> list)) {
      throw new ConfigException("config: " + path + " must be a list");
    }
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (o instanceof Map || o instanceof List) {
        throw new ConfigException("config: " + path + " must be a list of values");
      }
      out.add(String.valueOf(o));
    }
    return out;
  }

  /** A free-form map of strings (e.g. {@code keys}). */
  public Map<String, String> stringMap(String path) throws ConfigException {
    Object v = get(path);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw new ConfigException("config: " + path + " must be a map");
    }
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, val) -> out.put(String.valueOf(k), val == null ? "" : String.valueOf(val)));
    return out;
  }

  /** A list of maps (e.g. {@code rtc.turn_servers}). */
  public List<Map<String, Object>> maps(String path) throws ConfigException {
    Object v = get(path);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw new ConfigException("config: " + path + " must be a list");
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : list) {
      out.add(asMap(o, path));
    }
    return out;
  }

  private Object get(String path) {
    Object node = root;
    for (String part : path.split("\\.")) {
      if (!(node instanceof Map<?, ?> m)) {
        return null;
      }
      node = m.get(part);
    }
    return node;
  }

  private static void mergeInto(Map<String, Object> target, Map<String, Object> source, String prefix, boolean strict)
      throws ConfigException {
    for (Map.Entry<String, Object> e : source.entrySet()) {
      String key = e.getKey();
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      Object existing = target.get(key);
      Object value = e.getValue();
      if (!target.containsKey(key)) {
        if (strict) {
          throw new ConfigException("config: unknown key '" + path + "'");
        }
        target.put(key, value);
      } else if (existing instanceof Map<?, ?> em && !em.isEmpty()) {
        if (value == null) {
          continue;
        }
        mergeInto(castMap(existing), asMap(value, path), path, strict);
      } else {
        target.put(key, value);
      }
    }
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(20);
    options.setCodePointLimit(1 << 20);
    return new Yaml(new SafeConstructor(options));
  }

  private static Map<String, Object> asMap(Object o, String where) throws ConfigException {
    if (!(o instanceof Map<?, ?> m)) {
      throw new ConfigException("config: " + where + " must be a map of keys");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    return (Map<String, Object>) o;
  }

  private static Map<String, Object> deepCopy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> ? deepCopy(castMap(v)) : v));
    return out;
  }
}
