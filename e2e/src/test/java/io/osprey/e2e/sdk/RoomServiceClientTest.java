package io.osprey.e2e.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitModels.Room;
import io.osprey.protocol.livekit.LivekitRoom.CreateRoomRequest;
import io.osprey.sdk.api.RoomServiceClient;
import io.osprey.sdk.api.TwirpError;
import io.osprey.server.OspreyServer;
import io.osprey.server.config.ConfigLoader;
import io.osprey.server.config.ServerOptions;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The SDK's RoomServiceClient against a running Osprey: every method, and its typed errors. */
class RoomServiceClientTest {
  private static OspreyServer server;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs("--dev", "--bind", "127.0.0.1", "--config-body", "port: 0\nrtc:\n  udp_port: 0\n  tcp_port: 0\n");
    server = OspreyServer.start(new ConfigLoader(k -> null).load(o).config(), InstantSource.system());
    url = "http://127.0.0.1:" + server.httpAddresses().get(0).getPort();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String codeOf(ThrowingCall call) {
    try {
      call.run();
      return "ok";
    } catch (TwirpError e) {
      return e.code();
    }
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws TwirpError;
  }

  @Test
  void managesRoomsAndReportsTypedErrors() throws Exception {
    RoomServiceClient client = new RoomServiceClient(url, "devkey", "secret");
    Room room = client.createRoom(CreateRoomRequest.newBuilder().setName("sdk-room").setMaxParticipants(3).build());
    assertThat(room.getSid()).startsWith("RM_");
    assertThat(client.listRooms(List.of())).extracting(Room::getName).contains("sdk-room");
    assertThat(client.createRoomAsync(CreateRoomRequest.newBuilder().setName("sdk-async").build()).get().getName())
        .isEqualTo("sdk-async");
    assertThat(client.updateRoomMetadata("sdk-room", "meta").getMetadata()).isEqualTo("meta");
    assertThat(client.listParticipants("sdk-room")).isEmpty();
    assertThat(codeOf(() -> client.getParticipant("sdk-room", "nobody"))).isEqualTo("not_found");
    assertThat(codeOf(() -> client.removeParticipant("sdk-room", "nobody"))).isEqualTo("not_found");
    assertThat(codeOf(() -> client.mutePublishedTrack("sdk-room", "nobody", "TR_x", true))).isEqualTo("not_found");
    assertThat(codeOf(() -> client.updateSubscriptions("sdk-room", "nobody", List.of("TR_x"), true))).isEqualTo("not_found");
    assertThat(codeOf(() -> client.sendData("sdk-room", new byte[] {1, 2}, LivekitModels.DataPacket.Kind.RELIABLE,
        List.of(), "topic"))).isEqualTo("ok");
    client.deleteRoom("sdk-room");
    TwirpError gone = org.junit.jupiter.api.Assertions.assertThrows(TwirpError.class, () -> client.deleteRoom("sdk-room"));
    assertThat(gone.code()).isEqualTo("not_found");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.getMessage()).isEqualTo("requested room does not exist");
  }

  @Test
  void saysClearlyWhenTheSecretIsWrongOrTheServerIsDown() throws Exception {
    TwirpError badKey = org.junit.jupiter.api.Assertions.assertThrows(TwirpError.class,
        () -> new RoomServiceClient(url, "devkey", "wrong").listRooms(List.of()));
    assertThat(badKey.code()).isEqualTo("unauthenticated");
    assertThat(badKey.status()).isEqualTo(401);
    assertThat(badKey.getMessage()).contains("signature");

    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    assertThatThrownBy(() -> new RoomServiceClient("ws://127.0.0.1:" + closedPort, "devkey", "secret").listRooms(List.of()))
        .isInstanceOf(TwirpError.class).hasMessageContaining("cannot reach").hasMessageContaining("connection refused");
  }
}
