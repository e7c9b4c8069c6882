package io.osprey.server;

/** Configures slf4j-simple before the first logger is created: one line per event, Netty and Lettuce kept quiet. */
final class Logging {
  private Logging() {}

  static void configure(String level) {
    String l = switch (level.toLowerCase(java.util.Locale.ROOT)) {
      case "debug", "trace", "warn", "error", "info" -> level.toLowerCase(java.util.Locale.ROOT);
      case "warning" -> "warn";
      default -> "info";
    };
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", l);
    setIfAbsent("org.slf4j.simpleLogger.log.io.netty", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.io.lettuce", "warn"); // the router logs Redis connection changes itself
    setIfAbsent("org.slf4j.simpleLogger.log.reactor", "warn");
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.out");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
