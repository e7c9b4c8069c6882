package io.osprey.cli;

import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
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

/** {@code osprey participant list|remove --room R}. */
@Command(name = "participant", description = "Participants of a room.",
    subcommands = {ParticipantCommand.ListParticipants.class, ParticipantCommand.Remove.class})
final class ParticipantCommand {

  @Command(name = "list", description = "List a room's participants.")
  static final class ListParticipants implements Callable<Integer> {
    @Mixin ApiOptions api;
    @Spec CommandSpec spec;
    @Option(names = {"-r", "--room"}, required = true) String room;

    @Override
    public Integer call() throws TwirpError {
      List<ParticipantInfo> all = RoomCommand.client(api).listParticipants(room);
      PrintWriter out = spec.commandLine().getOut();
      if (all.isEmpty()) {
        out.println("no participants in " + room);
      }
      for (ParticipantInfo p : all) {
        out.printf("%s\t%s\t%s\t%d tracks%n", p.getSid(), p.getIdentity(), p.getState(), p.getTracksCount());
      }
      return 0;
    }
  }

  @Command(name = "remove", description = "Remove a participant from a room.")
  static final class Remove implements Callable<Integer> {
    @Mixin ApiOptions api;
    @Spec CommandSpec spec;
    @Option(names = {"-r", "--room"}, required = true) String room;
    @Parameters(paramLabel = "IDENTITY") String identity;

    @Override
    public Integer call() throws TwirpError {
      RoomCommand.client(api).removeParticipant(room, identity);
      spec.commandLine().getOut().println("removed " + identity + " from " + room);
      return 0;
    }
  }
}
