package io.osprey.cli;

import picocli.CommandLine.Option;

/** Where the server is and which key to use: lk's flags, with LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET. */
final class ApiOptions {
  @Option(names = "--url", description = "server URL (env LIVEKIT_URL, default http://localhost:7880)")
  String url;

  @Option(names = "--api-key", description = "API key (env LIVEKIT_API_KEY)")
  String apiKey;

  @Option(names = "--api-secret", description = "API secret (env LIVEKIT_API_SECRET)")
  String apiSecret;

  String url() {
    return pick(url, "LIVEKIT_URL", "http://localhost:7880");
  }

  String apiKey() {
    return required(pick(apiKey, "LIVEKIT_API_KEY", null), "--api-key or LIVEKIT_API_KEY");
  }

  String apiSecret() {
    return required(pick(apiSecret, "LIVEKIT_API_SECRET", null), "--api-secret or LIVEKIT_API_SECRET");
  }

  private static String pick(String flag, String env, String fallback) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    String e = OspreyCli.environment.apply(env);
    return e != null && !e.isBlank() ? e : fallback;
  }

  private static String required(String value, String what) {
    if (value == null) {
      throw new CliException("missing " + what);
    }
    return value;
  }
}
