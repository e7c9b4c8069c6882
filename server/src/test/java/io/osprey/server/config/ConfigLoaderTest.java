package io.osprey.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigLoaderTest {
  @TempDir Path tmp;
  private final Map<String, String> env = new HashMap<>();

  private ConfigLoader.Loaded load(String... args) throws ConfigException {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs(args);
    return new ConfigLoader(env::get).load(o);
  }

  private String failure(String... args) {
    try {
      load(args);
      throw new AssertionError("accepted");
    } catch (ConfigException e) {
      return e.getMessage();
    }
  }

  @Test
  void devModeUsesLiveKitsDevKeysLoopbackAndTheUdpMux() throws ConfigException {
    ServerConfig c = load("--dev").config();
    assertThat(c.keys()).containsExactlyEntriesOf(Map.of("devkey", "secret"));
    assertThat(c.bindAddresses()).containsExactly("127.0.0.1", "::1");
    assertThat(c.port()).isEqualTo(7880);
    assertThat(c.rtc().tcpPort()).isEqualTo(7881);
    assertThat(c.rtc().udpPort()).isEqualTo(7882);
    assertThat(c.development()).isTrue();
    assertThat(c.logLevel()).isEqualTo("debug");
  }

  @Test
  void appliesLiveKitsDefaults() throws ConfigException {
    ServerConfig c = load("--keys", "APIkey: " + "s".repeat(32)).config();
    assertThat(c.room().autoCreate()).isTrue();
    assertThat(c.room().emptyTimeoutSeconds()).isEqualTo(300);
    assertThat(c.room().departureTimeoutSeconds()).isEqualTo(20);
    assertThat(c.limits().maxMetadataSize()).isEqualTo(512 * 1024);
    assertThat(c.limits().maxApiRequestBodySize()).isEqualTo(10 * 1024 * 1024);
    assertThat(c.limits().signalMessageSizeLimit()).isEqualTo(2 * 1024 * 1024);
    assertThat(c.rtc().pliThrottleLow()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.webhook().maxDepth()).isEqualTo(200);
    assertThat(c.audio().activeLevel()).isEqualTo(30);
    assertThat(c.redis().enabled()).isFalse();
  }

  @Test
  void readsAConfigFileAndLetsFlagsWin() throws ConfigException, IOException {
    Path file = tmp.resolve("config.yaml");
    Files.writeString(file, """
        port: 7990
        rtc:
          udp_port: 7000-7010
          tcp_port: 7001
          node_ip: 10.0.0.5
        room:
          empty_timeout: 60
          enabled_codecs:
            - mime: audio/opus
            - mime: video/vp8
        keys:
          APIabc: a-secret-that-is-long-enough-for-prod-1234
        webhook:
          api_key: APIabc
          urls: [http://127.0.0.1:9/hook]
        """);
    ServerConfig c = load("--config", file.toString(), "--node-ip", "192.168.1.9", "--bind", "0.0.0.0").config();
    assertThat(c.port()).isEqualTo(7990);
    assertThat(c.rtc().udpPort()).isEqualTo(7000);
    assertThat(c.rtc().tcpPort()).isEqualTo(7001);
    assertThat(c.rtc().nodeIp()).isEqualTo("192.168.1.9");
    assertThat(c.bindAddresses()).containsExactly("0.0.0.0");
    assertThat(c.room().emptyTimeoutSeconds()).isEqualTo(60);
    assertThat(c.room().enabledCodecs()).containsExactly("audio/opus", "video/vp8");
    assertThat(c.webhook().urls()).containsExactly("http://127.0.0.1:9/hook");
  }

  @Test
  void readsLiveKitsEnvironmentVariables() throws ConfigException {
    env.put("LIVEKIT_KEYS", "APIenv: " + "e".repeat(40));
    env.put("NODE_IP", "10.1.1.1");
    env.put("UDP_PORT", "9999");
    env.put("REDIS_HOST", "127.0.0.1:6379");
    env.put("LIVEKIT_CONFIG", "room:\n  max_participants: 7\n");
    ServerConfig c = load().config();
    assertThat(c.keys()).containsKey("APIenv");
    assertThat(c.rtc().nodeIp()).isEqualTo("10.1.1.1");
    assertThat(c.rtc().udpPort()).isEqualTo(9999);
    assertThat(c.redis().address()).isEqualTo("127.0.0.1:6379");
    assertThat(c.room().maxParticipants()).isEqualTo(7);
  }

  @Test
  void readsLiveKitsRedisAndNodeSelectorKeys() throws ConfigException {
    ServerConfig c = load("--dev", "--redis-password", "from-flag", "--config-body", """
        redis:
          username: osprey
          db: 2
          use_tls: true
          sentinel_master_name: main
          sentinel_password: sp
          sentinel_addresses: [10.0.0.1:26379, 10.0.0.2:26379]
          dial_timeout: 1500
        node_selector:
          kind: cpuload
          sort_by: rooms
          algorithm: twochoice
          cpu_load_limit: 0.7
        node_stats:
          stats_update_interval: 1s
        """).config();
    assertThat(c.redis().enabled()).as("sentinels alone enable Redis").isTrue();
    assertThat(c.redis().sentinel()).isTrue();
    assertThat(c.redis().sentinelAddresses()).containsExactly("10.0.0.1:26379", "10.0.0.2:26379");
    assertThat(c.redis().password()).isEqualTo("from-flag");
    assertThat(c.redis().username()).isEqualTo("osprey");
    assertThat(c.redis().db()).isEqualTo(2);
    assertThat(c.redis().useTls()).isTrue();
    assertThat(c.redis().connectTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.nodeSelector()).isEqualTo(new ServerConfig.NodeSelector("cpuload", "rooms", "twochoice", 0.7, 0.9));
    assertThat(c.nodeStatsInterval()).isEqualTo(Duration.ofSeconds(1));
    ServerConfig defaults = load("--dev").config();
    assertThat(defaults.nodeSelector()).isEqualTo(ServerConfig.NodeSelector.DEFAULT);
    assertThat(defaults.nodeStatsInterval()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void selectorsOspreyLacksFallBackWithAWarningAndRedisClusterIsRefused() throws ConfigException {
    ConfigLoader.Loaded loaded = load("--dev", "--config-body", "node_selector:\n  kind: regionaware\n  sort_by: tracks\n");
    assertThat(loaded.config().nodeSelector().kind()).isEqualTo("any");
    assertThat(loaded.config().nodeSelector().sortBy()).isEqualTo("random");
    assertThat(loaded.warnings()).anyMatch(w -> w.contains("node_selector.kind regionaware is not supported"))
        .anyMatch(w -> w.contains("node_selector.sort_by tracks is not supported"));
    assertThat(failure("--dev", "--config-body", "redis:\n  cluster_addresses: [a:1]\n"))
        .contains("Redis Cluster is not supported");
    assertThat(failure("--dev", "--config-body", "node_selector:\n  algorithm: best\n"))
        .contains("node_selector.algorithm must be lowest or twochoice");
    assertThat(failure("--dev", "--config-body", "node_stats:\n  stats_update_interval: 5s\n"))
        .contains("stats_update_interval must be above 0 and at most 4s");
  }

  @Test
  void namesAnUnknownKeyByItsFullPath() {
    assertThat(failure("--dev", "--config-body", "rtc:\n  tcp_prot: 1\n")).isEqualTo("config: unknown key 'rtc.tcp_prot'");
    assertThat(failure("--dev", "--config-body", "bogus: 1")).isEqualTo("config: unknown key 'bogus'");
  }

  @Test
  void toleratesUnknownKeysWhenStrictnessIsOff() throws ConfigException {
    assertThat(load("--dev", "--disable-strict-config", "--config-body", "bogus: 1").config().port()).isEqualTo(7880);
  }

  @Test
  void explainsBadValuesInOneLine() {
    assertThat(failure("--dev", "--config-body", "port: seventy")).isEqualTo("config: port must be a whole number, not 'seventy'");
    assertThat(failure("--dev", "--config-body", "port: 70000")).contains("port must be a port number");
    assertThat(failure("--dev", "--config-body", "room:\n  auto_create: maybe")).contains("room.auto_create must be true or false");
    assertThat(failure("--dev", "--config-body", "video:\n  dynacast_pause_delay: soon\nrtc:\n  pli_throttle:\n    low_quality: fast"))
        .contains("rtc.pli_throttle.low_quality must be a duration");
    assertThat(failure("--dev", "--config-body", "port: [1, 2")).startsWith("config: not valid YAML");
    assertThat(failure("--dev", "--udp-port", "abc")).contains("rtc.udp_port must be a port");
    assertThat(failure("--config", tmp.resolve("missing.yaml").toString())).contains("does not exist");
  }

  @Test
  void requiresKeysOutsideDevMode() {
    assertThat(failure()).contains("no API keys");
  }

  @Test
  void refusesAWebhookKeyThatIsNotAnApiKey() {
    assertThat(failure("--dev", "--config-body", "webhook:\n  api_key: nope\n  urls: [http://x]"))
        .contains("webhook.api_key 'nope' is not one of the API keys");
  }

  @Test
  void readsAPrivateKeyFileAndRefusesAWorldReadableOne() throws IOException, ConfigException {
    Path keys = tmp.resolve("keys.yaml");
    Files.writeString(keys, "APIfile: " + "f".repeat(40) + "\n");
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
    assertThat(load("--key-file", keys.toString()).config().keys()).containsKey("APIfile");
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(failure("--key-file", keys.toString())).contains("readable by other users");
  }

  @Test
  void warnsAboutShortSecretsOutsideDevMode() throws ConfigException {
    assertThat(load("--keys", "k: short").warnings()).singleElement().asString().contains("shorter than 32");
    assertThat(load("--dev", "--keys", "k: short").warnings()).isEmpty();
  }
}
