package io.osprey.server.config;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** livekit-server's command-line flags, with the environment variables it reads for them. */
@Command(name = "osprey-server", mixinStandardHelpOptions = true, version = "osprey-server 0.1.0",
    description = "A LiveKit-compatible real-time media server for the JVM.", sortOptions = false)
public final class ServerOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "path to the YAML config file")
  public String config;

  @Option(names = "--config-body", paramLabel = "YAML", description = "config as a YAML string (env LIVEKIT_CONFIG)")
  public String configBody;

  @Option(names = "--key-file", paramLabel = "FILE", description = "path to a file of 'key: secret' lines")
  public String keyFile;

  @Option(names = "--keys", paramLabel = "KEYS", description = "API keys as 'key: secret' (env LIVEKIT_KEYS)")
  public String keys;

  @Option(names = "--region", description = "region of this node (env LIVEKIT_REGION)")
  public String region;

  @Option(names = "--node-ip", paramLabel = "IP", description = "IP address advertised to clients (env NODE_IP)")
  public String nodeIp;

  @Option(names = "--udp-port", paramLabel = "PORT", description = "single UDP port for media (env UDP_PORT)")
  public String udpPort;

  @Option(names = "--redis-host", paramLabel = "HOST:PORT", description = "Redis for multiple nodes (env REDIS_HOST)")
  public String redisHost;

  @Option(names = "--redis-password", description = "Redis password (env REDIS_PASSWORD)")
  public String redisPassword;

  @Option(names = "--bind", paramLabel = "ADDR", description = "IP address to listen on; repeat for several")
  public List<String> bind = new ArrayList<>();

  @Option(names = "--dev", description = "development mode: devkey/secret, loopback only, debug logs")
  public boolean dev;

  @Option(names = "--disable-strict-config", hidden = true, description = "ignore unknown config keys")
  public boolean disableStrictConfig;
}
