package io.osprey.cli;

import io.osprey.protocol.livekit.LivekitModels.Room;
import io.osprey.protocol.livekit.LivekitRoom.CreateRoomRequest;
import io.osprey.sdk.api.RoomServiceClient;
import io.osprey.sdk.api.TwirpError;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code osprey room list|create|delete}. */
@Command(name = "room", description = "Rooms.", subcommands = {RoomCommand.ListRooms.class, RoomCommand.Create.class,
    RoomCommand.Delete.class})
final class RoomCommand {

  static RoomServiceClient client(ApiOptions api) {
    return new RoomServiceClient(api.url(), api.apiKey(), api.apiSecret());
  }

  static void print(PrintWriter out, Room r) {
    out.printf("%s\t%s\t%d participants\t%d publishers%s%n", r.getSid(), r.getName(), r.getNumParticipants(),
        r.getNumPublishers(), r.getMetadata().isEmpty() ? "" : "\tmetadata=" + r.getMetadata());
  }

  @Command(name = "list", description = "List rooms.")
  static final class ListRooms implements Callable<Integer> {
    @Mixin ApiOptions api;
    @Spec CommandSpec spec;
    @Parameters(arity = "0..*", paramLabel = "NAME", description = "only these rooms") List<String> names = List.of();

    @Override
    public Integer call() throws TwirpError {
      List<Room> rooms = client(api).listRooms(names);
      PrintWriter out = spec.commandLine().getOut();
      if (rooms.isEmpty()) {
        out.println("no rooms");
      }
      rooms.forEach(r -> print(out, r));
      return 0;
    }
  }

  @Command(name = "create", description = "Create a room (or update an existing one's options).")
  static final class Create implements Callable<Integer> {
    @Mixin ApiOptions api;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--empty-timeout", description = "seconds before an unused room closes") int emptyTimeout;
    @Option(names = "--departure-timeout", description = "seconds after the last one leaves") int departureTimeout;
    @Option(names = "--max-participants") int maxParticipants;
    @Option(names = "--metadata") String metadata = "";

    @Override
    public Integer call() throws TwirpError {
      Room r = client(api).createRoom(CreateRoomRequest.newBuilder().setName(name).setEmptyTimeout(emptyTimeout)
          .setDepartureTimeout(departureTimeout).setMaxParticipants(maxParticipants).setMetadata(metadata).build());
      print(spec.commandLine().getOut(), r);
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a room, disconnecting everyone in it.")
  static final class Delete implements Callable<Integer> {
    @Mixin ApiOptions api;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "NAME") String name;

    @Override
    public Integer call() throws TwirpError {
      client(api).deleteRoom(name);
      spec.commandLine().getOut().println("deleted " + name);
      return 0;
    }
  }
}
