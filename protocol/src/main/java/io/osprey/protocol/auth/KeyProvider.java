package io.osprey.protocol.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Finds the secret of an API key: the server's configured keys, or a single SDK key pair. */
@FunctionalInterface
public interface KeyProvider {

  /** The secret of {@code apiKey}, if known. */
  Optional<String> secret(String apiKey);

  /** A provider over a fixed map of key to secret. */
  static KeyProvider of(Map<String, String> keys) {
    Map<String, String> copy = Map.copyOf(keys);
    return key -> Optional.ofNullable(copy.get(key));
  }

  /**
   * Parses livekit-server's {@code --keys} / {@code LIVEKIT_KEYS} form and key files: one
   * {@code key: secret} pair per line (YAML map syntax), blank lines and {@code #} comments ignored.
   *
   * @throws IllegalArgumentException naming the line that is not {@code key: secret}
   */
  static Map<String, String> parseKeys(String text) {
    Map<String, String> keys = new LinkedHashMap<>();
    String[] lines = text.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || colon == line.length() - 1) {
        throw new IllegalArgumentException("keys: line " + (i + 1) + " is not 'key: secret'");
      }
      String key = unquote(line.substring(0, colon).strip());
      String secret = unquote(line.substring(colon + 1).strip());
      if (key.isEmpty() || secret.isEmpty()) {
        throw new IllegalArgumentException("keys: line " + (i + 1) + " has an empty key or secret");
      }
      keys.put(key, secret);
    }
    return keys;
  }

  /**
   * Reads a key file, refusing one that other users can read, as livekit-server does.
   *
   * @throws IOException if unreadable, or world/group-readable
   */
  static Map<String, String> readKeyFile(Path file) throws IOException {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.OTHERS_WRITE)
          || perms.contains(PosixFilePermission.GROUP_WRITE)) {
        throw new IOException("key file " + file + " is readable by other users; restrict it (chmod 600)");
      }
    } catch (UnsupportedOperationException notPosix) {
      // no POSIX permissions on this file system: nothing to check
    }
    try {
      return parseKeys(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException("key file " + file + ": " + e.getMessage(), e);
    }
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }
}
