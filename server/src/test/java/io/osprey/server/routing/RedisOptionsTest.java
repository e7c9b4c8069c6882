package io.osprey.server.routing;

import io.osprey.testkit.RedisServerProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.osprey.server.OspreyServer;
import io.osprey.server.TestServers;
import org.junit.jupiter.api.Test;

/** livekit's redis options against real servers: password and database, Sentinel, and failures that say what is wrong. */
class RedisOptionsTest {

  @Test
  void registersInTheConfiguredDatabaseWithThePassword() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", "s3cret-pw");
         OspreyServer node = TestServers.dev("redis:\n  address: " + redis.address() + "\n  password: s3cret-pw\n"
             + "  db: 3\n")) {
      RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(redis.port()).withPassword("s3cret-pw".toCharArray())
          .withDatabase(3).build();
      RedisClient client = RedisClient.create(uri);
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        assertThat(c.sync().exists("osprey:node:" + node.router().nodeId())).isEqualTo(1);
        c.sync().select(0);
        assertThat(c.sync().exists("osprey:node:" + node.router().nodeId())).as("nothing in db 0").isZero();
      } finally {
        client.shutdown();
      }
    }
  }

  @Test
  void aWrongPasswordStopsTheStartWithAClearMessage() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", "s3cret-pw")) {
      assertThatThrownBy(() -> TestServers.dev("redis:\n  address: " + redis.address() + "\n  password: wrong\n"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot connect to Redis at " + redis.address()).hasMessageContaining("WRONGPASS");
    }
  }

  @Test
  void noRedisListeningStopsTheStartWithAClearMessage() throws Exception {
    int port = RedisServerProcess.freePort();
    assertThatThrownBy(() -> TestServers.dev("redis:\n  address: 127.0.0.1:" + port + "\n  dial_timeout: 1000\n"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot connect to Redis at 127.0.0.1:" + port).hasMessageContaining("refused");
  }

  @Test
  void findsTheMasterThroughSentinel() throws Exception {
    try (RedisServerProcess master = RedisServerProcess.start();
         RedisServerProcess sentinel = RedisServerProcess.startSentinel("osprey-master", master.port());
         OspreyServer node = TestServers.dev("redis:\n  sentinel_master_name: osprey-master\n"
             + "  sentinel_addresses:\n    - 127.0.0.1:" + sentinel.port() + "\n")) {
      RedisClient client = RedisClient.create("redis://" + master.address());
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        assertThat(c.sync().exists("osprey:node:" + node.router().nodeId())).isEqualTo(1);
      } finally {
        client.shutdown();
      }
    }
  }
}
