package io.osprey.bench.controlplane;

import io.osprey.protocol.auth.AccessToken;
import io.osprey.protocol.auth.VideoGrant;
import io.osprey.server.OspreyServer;
import io.osprey.server.config.ConfigLoader;
import io.osprey.server.config.ServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import picocli.CommandLine;

/**
 * One Twirp ListRooms round trip over loopback HTTP/1.1 keep-alive, JSON and protobuf: token
 * verification, routing, the room manager, encoding, and the client's own cost included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TwirpRoundTripBenchmark {
  private OspreyServer server;
  private HttpClient client;
  private HttpRequest json;
  private HttpRequest protobuf;

  @Setup
  public void setup() throws Exception {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs("--dev", "--bind", "127.0.0.1", "--config-body", "port: 0\nlog_level: warn\n");
    server = OspreyServer.start(new ConfigLoader(k -> null).load(o).config(), InstantSource.system());
    String url = "http://127.0.0.1:" + server.httpAddresses().get(0).getPort() + "/twirp/livekit.RoomService/ListRooms";
    String token = new AccessToken("devkey", "secret").identity("bench")
        .video(VideoGrant.builder().roomList(true).roomCreate(true).build()).toJwt();
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 10; i++) {
      server.rooms().create("room-" + i, io.osprey.server.room.RoomManager.CreateOptions.DEFAULTS).join();
    }
    json = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    protobuf = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/protobuf").POST(HttpRequest.BodyPublishers.noBody()).build();
  }

  @TearDown
  public void tearDown() {
    server.close();
  }

  @Benchmark
  public int listRoomsJson() throws Exception {
    return client.send(json, HttpResponse.BodyHandlers.ofByteArray()).body().length;
  }

  @Benchmark
  public int listRoomsProtobuf() throws Exception {
    return client.send(protobuf, HttpResponse.BodyHandlers.ofByteArray()).body().length;
  }
}
