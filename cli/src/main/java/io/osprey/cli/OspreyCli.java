package io.osprey.cli;

import io.osprey.sdk.api.TwirpError;
import java.io.PrintWriter;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code osprey} command, shaped like LiveKit's {@code lk}: {@code token create},
 * {@code room list|create|delete}, {@code participant list|remove}, and {@code join} (publish files,
 * record the others).
 */
@Command(name = "osprey", mixinStandardHelpOptions = true, version = "osprey 0.1.0",
    description = "Tokens, rooms and participants of a LiveKit-compatible server.",
    subcommands = {TokenCommand.class, RoomCommand.class, ParticipantCommand.class, JoinCommand.class,
        LoadTestCommand.class})
public final class OspreyCli implements Runnable {
  /** Reads environment variables; tests replace it. */
  static Function<String, String> environment = System::getenv;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a command is required (token, room, participant, join)");
  }

  /** Runs the CLI with its output streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new OspreyCli()).setOut(out).setErr(err)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          if (e instanceof CliException || e instanceof TwirpError || e instanceof io.osprey.sdk.room.RoomException) {
            cmd.getErr().println("osprey: " + describe(e));
            return 1;
          }
          throw e;
        });
    return cli.execute(args);
  }

  private static String describe(Exception e) {
    if (e instanceof TwirpError t) {
      return switch (t.code()) {
        case "unauthenticated" -> "unauthorized: " + t.getMessage() + " (check --api-key and --api-secret)";
        case "unavailable" -> t.getMessage();
        default -> t.code() + ": " + t.getMessage();
      };
    }
    return e.getMessage();
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(args, out, err));
  }
}
