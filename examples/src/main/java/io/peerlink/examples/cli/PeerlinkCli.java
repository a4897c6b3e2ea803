package io.peerlink.examples.cli;

import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.Version;
import java.io.PrintWriter;
import java.util.concurrent.CompletionException;
import java.security.InvalidKeyException;
import java.util.concurrent.ExecutionException;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code peerlink} command-line tool. Every line it prints on standard output is one JSON
 * object with an {@code "event"} field, so scripts and tests can drive it; {@code peerlink
 * <command> --help} describes each command.
 *
 * <p>A command is a picocli {@code @Command} class implementing {@code Callable<Integer>}; adding
 * one is that class and its entry in {@code subcommands} below. Shared options come as mixins
 * ({@link PeerOptions}, {@link NatOptions}), output through {@link JsonEvents}.
 *
 * <p>Exit status: 0 success, 1 a network failure (an {@code "error"} line whose {@code "kind"} says
 * which: connect, tls, timeout, io, protocol, limit), 2 a usage mistake (kind {@code "usage"},
 * the message naming the flag).
 */
@Command(name = "peerlink", mixinStandardHelpOptions = true, versionProvider = PeerlinkCli.VersionProvider.class,
    synopsisSubcommandLabel = "COMMAND",
    description = {"Connect to libp2p peers directly, through NATs and through relays.", ""},
    subcommands = {PeerCommand.class, DialCommand.class, PerfCommand.class, DemoCommand.class, FindPeerCommand.class,
        ProvideCommand.class, FindProvidersCommand.class, HelpCommand.class},
    footer = {"", "Run 'peerlink COMMAND --help' for a command's options."})
public final class PeerlinkCli implements Runnable {
  @Spec
  CommandSpec spec;

  private PeerlinkCli() {}

  /**
   * Runs the tool and exits with its status.
   *
   * @param args a command and its options; {@code --help} lists the commands
   */
  public static void main(String[] args) {
    // BouncyCastle logs through java.util.logging: send it where the tool's own logs go.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(run(args));
  }

  /** Runs one command line; returns the exit status. */
  static int run(String... args) {
    CommandLine cmd = new CommandLine(new PeerlinkCli());
    cmd.setParameterExceptionHandler(PeerlinkCli::usageError);
    cmd.setExecutionExceptionHandler((e, c, parsed) -> failure(e, c));
    return cmd.execute(args);
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "no command given: choose peer, dial, perf, demo, find-peer, provide or find-providers");
  }

  /** A usage mistake: an error line on stdout, the message and where to find help on stderr; exit 2. */
  private static int usageError(ParameterException e, String[] args) {
    CommandLine c = e.getCommandLine();
    JsonEvents.printFirst(JsonEvents.error("usage", e.getMessage()));
    PrintWriter err = c.getErr();
    String name = c.getCommandSpec().qualifiedName();
    err.println(name + ": " + e.getMessage());
    err.println("Run '" + name + " --help' for its options.");
    err.flush();
    return c.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** A failure while running: an error line naming its kind; 2 for misuse found late, else 1. */
  private static int failure(Exception e, CommandLine c) {
    Throwable t = e;
    while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof IllegalArgumentException || t instanceof InvalidKeyException) {
      // A bad --identity file is a usage mistake too: its message names the file and the fix.
      JsonEvents.printFirst(JsonEvents.error("usage", t.getMessage()));
      return c.getCommandSpec().exitCodeOnInvalidInput();
    }
    PeerException pe = PeerException.wrap(t, PeerError.IO);
    JsonEvents.printFirst(JsonEvents.error(pe.kind().wireName(), pe.getMessage()));
    return 1;
  }

  /** {@code --version}: peerlink's version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"peerlink " + Version.VERSION};
    }
  }
}
