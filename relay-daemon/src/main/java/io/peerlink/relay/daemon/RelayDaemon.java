package io.peerlink.relay.daemon;

import io.peerlink.core.ListenerLimits;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The relay daemon: {@code java -jar relay-daemon.jar --listen /ip4/0.0.0.0/tcp/4001
 * [--identity key.pem] [--config relay.properties] [--metrics 127.0.0.1:9100] [--<limit> value]...};
 * {@code --help} lists every setting.
 *
 * <p>Prints one JSON line per event on stdout ({@code listening} once ready, {@code stopping},
 * {@code stopped}); logs go to stderr. SIGTERM or SIGINT stop it gracefully: no new reservations or
 * circuits, open circuits get {@code --drain-timeout} to finish. Exit codes: 0 after a clean stop
 * (on a signal too), 2 for bad arguments, 1 if it could not start or stop cleanly.
 */
public final class RelayDaemon {
  private RelayDaemon() {}

  /**
   * Runs the daemon until SIGTERM or SIGINT, then exits with its status.
   *
   * @param args the command line; {@code --help} lists every setting
   */
  public static void main(String[] args) {
    // BouncyCastle logs through java.util.logging: send it where the daemon's own logs go.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.exit(run(args, out, System.err, new CountDownLatch(1)));
  }

  /** Runs until {@code shutdown} is counted down or the JVM is asked to exit; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch shutdown) {
    DaemonConfig cfg = new DaemonConfig();
    CommandLine cmd = new CommandLine(cfg);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    RelayLimiter limiter;
    ListenerLimits listenerLimits;
    PeerConfig peerConfig;
    try {
      ConfigFile.install(cmd, args);
      CommandLine.ParseResult parsed = cmd.parseArgs(args);
      if (CommandLine.printHelpIfRequested(parsed)) {
        return 0;
      }
      limiter = validated(cmd, cfg::limiter);
      listenerLimits = validated(cmd, cfg::listenerLimits);
      peerConfig = validated(cmd, cfg::peerConfig);
    } catch (ParameterException e) {
      err.println("relay-daemon: " + e.getMessage());
      err.print("Usage: " + cmd.getHelp().synopsis(0));
      err.println("Run 'relay-daemon --help' for every setting.");
      return 2;
    }
    JsonLines json = new JsonLines(out);
    RelayHealth health = new RelayHealth();
    AdminServer admin = null;
    RelayServer relay;
    AtomicReference<RelayServer> ref = new AtomicReference<>();
    try {
      Identity identity = Identity.loadOrCreate(cfg.identity);
      RelayServer.Builder b = RelayServer.builder(identity)
          .limiter(limiter)
          .listenerLimits(listenerLimits)
          .peerConfig(peerConfig)
          .announce(cfg.announce);
      cfg.listen.forEach(b::listenOn);
      if (cfg.allowPrivateAddrs) {
        b.publicAddressFilter(AddressFilter.everything());
      } else if (!cfg.publicCidrs.isEmpty()) {
        b.publicAddressFilter(AddressFilter.internet().withPublic(cfg.publicCidrs));
      }
      if (cfg.metrics != null) {
        RelayMeters meters = new RelayMeters(ref::get);
        b.eventListener(meters.events());
        admin = AdminServer.start(cfg.metrics, meters, health, json);
      }
      relay = b.build();
      ref.set(relay);
      relay.start().get(30, TimeUnit.SECONDS);
      health.running(relay);
    } catch (Exception e) {
      Throwable why = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      // A bad identity file's message names the file and the fix; the exception's class adds nothing.
      err.println("relay-daemon: could not start: "
          + (why instanceof InvalidKeyException ? why.getMessage() : why.toString()));
      if (admin != null) {
        admin.close();
      }
      return 1;
    }
    Map<String, Object> listening = new LinkedHashMap<>();
    listening.put("event", "listening");
    listening.put("peerId", relay.peerId().toString());
    listening.put("addrs", relay.listener().listenAddresses().stream().map(Object::toString).toList());
    listening.put("reservationAddrs", relay.reservationAddresses().stream().map(Object::toString).toList());
    if (admin != null) {
      listening.put("metricsPort", admin.port());
    }
    json.print(listening);

    CountDownLatch stopped = new CountDownLatch(1);
    AtomicInteger exitStatus = new AtomicInteger(1);
    AdminServer adminToClose = admin;
    Thread hook = new Thread(() -> {
      shutdown.countDown();
      try {
        if (stopped.await(cfg.drainTimeout.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
          // SIGTERM or SIGINT started the JVM's shutdown, which would exit with 128 + the signal
          // (143, 130) whatever happened: report how the stop went instead.
          Runtime.getRuntime().halt(exitStatus.get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "relay-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      shutdown.await();
      health.draining();
      Map<String, Object> stopping = new LinkedHashMap<>(); // "event" first, as every line
      stopping.put("event", "stopping");
      stopping.put("circuits", relay.circuits().size());
      json.print(stopping);
      relay.stop(cfg.drainTimeout).get(cfg.drainTimeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      health.stopped();
      json.print(Map.of("event", "stopped"));
      exitStatus.set(0);
      return 0;
    } catch (Exception e) {
      err.println("relay-daemon: unclean stop: " + e);
      return 1;
    } finally {
      if (adminToClose != null) {
        adminToClose.close();
      }
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook is running: it waits for `stopped`
      }
    }
  }

  /** Builds a limits object; a value the library refuses becomes a usage error naming the flag. */
  static <T> T validated(CommandLine cmd, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cmd, e.getMessage() + Flags.hint(e.getMessage()));
    }
  }
}
