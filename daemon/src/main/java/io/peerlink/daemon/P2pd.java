package io.peerlink.daemon;

import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.StreamMuxer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The daemon's command line, with go-libp2p-daemon's {@code p2pd} flag spellings (one dash,
 * {@code -flag=value} or {@code -flag value}), so scripts written for p2pd run it unchanged. Once
 * the control socket listens it prints {@code Control socket: <multiaddr>} on stdout, as p2pd does;
 * logs go to stderr. It runs until it is killed.
 */
@Command(name = "peerlink-daemon", mixinStandardHelpOptions = true, sortOptions = false,
    description = "A libp2p daemon speaking the daemon control protocol, run by peerlink.",
    versionProvider = P2pd.Version.class)
public final class P2pd implements Callable<Integer> {
  private static final String FALSE_OR_TRUE = "0..1";
  /** More than any private key file holds (an RSA key is under 8 KiB): something else was named. */
  private static final long MAX_KEY_FILE_BYTES = 64 * 1024;

  @Option(names = "-listen", paramLabel = "MULTIADDR", defaultValue = "/unix/tmp/p2pd.sock",
      description = "Control socket: /unix/<path> or /ip4/127.0.0.1/tcp/<port> (0: any free port). Default: ${DEFAULT-VALUE}")
  String listen;

  @Option(names = "-hostAddrs", paramLabel = "MULTIADDRS", split = ",",
      description = "Comma-separated addresses the node listens on. Default: /ip4/0.0.0.0/tcp/0")
  List<String> hostAddrs = new ArrayList<>();

  @Option(names = "-announceAddrs", paramLabel = "MULTIADDRS", split = ",",
      description = "Comma-separated addresses IDENTIFY reports instead of the listen addresses.")
  List<String> announceAddrs = new ArrayList<>();

  @Option(names = "-noListenAddrs", arity = FALSE_OR_TRUE, fallbackValue = "true",
      description = "Report no listen address (the node still binds one loopback port).")
  boolean noListenAddrs;

  @Option(names = "-id", paramLabel = "FILE",
      description = "Private key file, a libp2p protobuf-encoded key as p2pd reads. Default: a new Ed25519 key.")
  Path id;

  @Option(names = "-dht", arity = FALSE_OR_TRUE, fallbackValue = "true",
      description = "Run the Kademlia DHT in automatic mode (starts as a client).")
  boolean dht;

  @Option(names = "-dhtClient", arity = FALSE_OR_TRUE, fallbackValue = "true",
      description = "Run the DHT as a client only.")
  boolean dhtClient;

  @Option(names = "-dhtServer", arity = FALSE_OR_TRUE, fallbackValue = "true",
      description = "Run the DHT as a server.")
  boolean dhtServer;

  @Option(names = "-relay", arity = FALSE_OR_TRUE, fallbackValue = "true", defaultValue = "true",
      description = "Serve as a Circuit Relay v2 relay (hop). Default: ${DEFAULT-VALUE}")
  boolean relay;

  @Option(names = "-noise", arity = FALSE_OR_TRUE, fallbackValue = "true", defaultValue = "true",
      description = "Offer Noise (preferred). Default: ${DEFAULT-VALUE}")
  boolean noise;

  @Option(names = "-tls", arity = FALSE_OR_TRUE, fallbackValue = "true", defaultValue = "true",
      description = "Offer TLS 1.3. Default: ${DEFAULT-VALUE}")
  boolean tls;

  @Option(names = "-plaintext", arity = FALSE_OR_TRUE, fallbackValue = "true",
      description = "Also offer /plaintext/2.0.0, least preferred: no encryption, for interop tests only.")
  boolean plaintext;

  @Option(names = "-muxer", paramLabel = "yamux|mplex", defaultValue = "yamux",
      description = "Stream multiplexer: yamux, or mplex (deprecated; for interop tests). Default: ${DEFAULT-VALUE}")
  String muxer;

  @Option(names = "-b", arity = FALSE_OR_TRUE, fallbackValue = "true",
      description = "Connect to the -bootstrapPeers at start (they are connected to whenever given).")
  boolean bootstrap;

  @Option(names = "-bootstrapPeers", paramLabel = "MULTIADDRS", split = ",",
      description = "Comma-separated peers (ending in /p2p/<id>) to connect to at start.")
  List<String> bootstrapPeers = new ArrayList<>();

  @Option(names = "-echo", arity = FALSE_OR_TRUE, fallbackValue = "true", defaultValue = "true",
      description = "Serve /echo/1.0.0. Default: ${DEFAULT-VALUE}")
  boolean echo;

  @Option(names = "-pubsub", arity = FALSE_OR_TRUE, fallbackValue = "true",
      description = "Accepted for p2pd's scripts; pubsub is not supported and its requests get an ERROR.")
  boolean pubsub;

  @Option(names = "-q", arity = FALSE_OR_TRUE, fallbackValue = "true",
      description = "Quiet: print nothing on stdout.")
  boolean quiet;

  private final PrintStream out;
  private final CountDownLatch stop = new CountDownLatch(1);

  P2pd(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the daemon until the process is killed.
   *
   * @param args p2pd's flags; {@code --help} lists them
   */
  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new P2pd(System.out));
    int code = cli.execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * The settings these flags give.
   *
   * @return the settings
   * @throws Exception if the key file cannot be read or a flag's value is not valid
   */
  DaemonSettings settings() throws Exception {
    StreamMuxer streamMuxer = switch (muxer) {
      case "yamux" -> StreamMuxer.YAMUX;
      case "mplex" -> StreamMuxer.MPLEX;
      default -> throw new CommandLine.ParameterException(new CommandLine(this),
          "-muxer=" + muxer + ": the peerlink daemon speaks yamux and mplex");
    };
    List<SecurityProtocol> security = new ArrayList<>();
    if (noise) {
      security.add(SecurityProtocol.NOISE);
    }
    if (tls) {
      security.add(SecurityProtocol.TLS);
    }
    if (plaintext) {
      security.add(SecurityProtocol.PLAINTEXT);
    }
    Identity identity = id == null ? Identity.generate() : readKey(id);
    DhtMode mode = dhtServer ? DhtMode.SERVER : dhtClient ? DhtMode.CLIENT : dht ? DhtMode.AUTO : DhtMode.OFF;
    return new DaemonSettings(ControlAddress.parse(listen), identity, multiaddrs(hostAddrs),
        multiaddrs(announceAddrs), noListenAddrs, security, relay, echo, mode,
        multiaddrs(bootstrapPeers), ControlLimits.DEFAULTS, streamMuxer);
  }

  /** The {@code -id} key, or a usage error that names the file, what it held and what to do. */
  private Identity readKey(Path file) {
    String expected = ": expected a libp2p PrivateKey protobuf, as go's p2pd and js write it"
        + " (binary, not PEM text); give the key this node was created with, or leave -id out"
        + " to run with a new identity (and so a new peer ID)";
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_KEY_FILE_BYTES) {
        throw new CommandLine.ParameterException(new CommandLine(this), "-id " + file + ": "
            + Files.size(file) + " bytes, more than any private key" + expected);
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), "-id " + file
          + ": no such file (working directory " + Path.of("").toAbsolutePath() + ")" + expected);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), "-id " + file
          + ": cannot read it: " + e.getMessage());
    }
    try {
      return Identity.fromProtobuf(bytes);
    } catch (InvalidKeyException | RuntimeException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), "-id " + file
          + ": holds no private key (" + e.getMessage() + ")" + expected);
    }
  }

  private static List<Multiaddr> multiaddrs(List<String> texts) {
    return texts.stream().map(String::trim).filter(s -> !s.isEmpty()).map(Multiaddr::parse).toList();
  }

  @Override
  public Integer call() throws Exception {
    Daemon daemon = Daemon.start(settings()).join();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      daemon.close();
      stop.countDown();
    }, "daemon-stop"));
    if (!quiet) {
      out.println("Control socket: " + daemon.controlAddress());
      out.println("Peer ID: " + daemon.manager().peerId());
      out.println("Peer Addrs:");
      daemon.advertised().forEach(a -> out.println(a.withoutPeerId()));
      out.flush();
    }
    stop.await();
    return 0;
  }

  /** The version line of {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = P2pd.class.getPackage().getImplementationVersion();
      return new String[] {"peerlink-daemon " + (v == null ? "(development build)" : v)};
    }
  }

  @Override
  public String toString() {
    return "P2pd" + Arrays.asList(listen, hostAddrs);
  }
}
