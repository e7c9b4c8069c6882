package io.osprey.server;

import io.osprey.server.config.ConfigLoader;
import io.osprey.server.config.ServerConfig;
import io.osprey.server.config.ServerOptions;
import java.time.InstantSource;
import picocli.CommandLine;

/** Starts real servers on free loopback ports for tests. */
public final class TestServers {
  private TestServers() {}

  /** A --dev server on 127.0.0.1 with ephemeral HTTP and UDP ports, no ICE-TCP, and extra YAML. */
  public static OspreyServer dev(String extraYaml) throws Exception {
    return OspreyServer.start(devConfig(extraYaml), InstantSource.system());
  }

  public static ServerConfig devConfig(String extraYaml) throws Exception {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs("--dev", "--bind", "127.0.0.1", "--config-body", "port: 0\nrtc:\n  udp_port: 0\n  tcp_port: 0\n" + extraYaml);
    return new ConfigLoader(k -> null).load(o).config();
  }

  public static String baseUrl(OspreyServer server) {
    return "http://127.0.0.1:" + server.httpAddresses().get(0).getPort();
  }
}
