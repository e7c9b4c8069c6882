package io.osprey.cli;

import io.osprey.protocol.auth.AccessToken;
import io.osprey.protocol.auth.VideoGrant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code osprey token create}: mints an access token, with lk's flags. */
@Command(name = "token", description = "Access tokens.", subcommands = TokenCommand.Create.class)
final class TokenCommand {

  @Command(name = "create", description = "Create an access token and print it.")
  static final class Create implements Callable<Integer> {
    @Mixin ApiOptions api;
    @Spec CommandSpec spec;

    @Option(names = {"-i", "--identity"}, description = "participant identity") String identity;
    @Option(names = {"-r", "--room"}, description = "room name") String room;
    @Option(names = "--name", description = "participant name") String name;
    @Option(names = "--metadata", description = "participant metadata") String metadata;
    @Option(names = "--join", description = "grant: join the room") boolean join;
    @Option(names = "--admin", description = "grant: administer the room") boolean admin;
    @Option(names = "--create", description = "grant: create and delete rooms") boolean create;
    @Option(names = "--list", description = "grant: list rooms") boolean list;
    @Option(names = "--record", description = "grant: record (egress)") boolean record;
    @Option(names = "--hidden", description = "join hidden from other participants") boolean hidden;
    @Option(names = "--allow-source", description = "restrict publishable sources (camera, microphone, screen_share, screen_share_audio)")
    List<String> sources = List.of();
    @Option(names = "--valid-for", description = "validity, e.g. 1h or 30m (default 6h)", defaultValue = "6h") String validFor;

    @Override
    public Integer call() {
      if (!join && !admin && !create && !list && !record) {
        throw new CliException("choose at least one grant: --join, --admin, --create, --list or --record");
      }
      if ((join || admin) && (room == null || room.isBlank())) {
        throw new CliException("--room is required for --join and --admin");
      }
      if (join && (identity == null || identity.isBlank())) {
        throw new CliException("--identity is required for --join");
      }
      VideoGrant grant = VideoGrant.builder().roomJoin(join).roomAdmin(admin).roomCreate(create).roomList(list)
          .roomRecord(record).room(room == null ? "" : room).hidden(hidden).canPublishSources(sources).build();
      AccessToken token = new AccessToken(api.apiKey(), api.apiSecret()).video(grant).validFor(Durations.parse(validFor));
      if (identity != null) {
        token.identity(identity);
      }
      if (name != null) {
        token.name(name);
      }
      if (metadata != null) {
        token.metadata(metadata);
      }
      spec.commandLine().getOut().println(token.toJwt());
      return 0;
    }
  }
}
