package io.peerlink.daemon;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.peerlink.core.Echo;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.DhtConfig;
import io.peerlink.relay.Manager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running daemon: a peerlink node (a {@link Manager}) and the control socket that drives it.
 * Start one with {@link #start}; {@link #close} stops both.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  private final DaemonSettings settings;
  private final Manager manager;
  private final ControlTransport transport = new ControlTransport();
  private final PeerRequests peers;
  private final StreamOpener streams;
  private final StreamHandlers handlers;
  private final ConnManagerRequests connManager;
  private final DhtRequests dht;
  private final AtomicInteger controlConnections = new AtomicInteger();
  private volatile Channel server;
  private volatile ControlAddress controlAddress;

  private Daemon(DaemonSettings settings) {
    this.settings = settings;
    Map<String, StreamHandler> builtIn = new HashMap<>();
    if (settings.echo()) {
      builtIn.put(Echo.PROTOCOL_ID, Echo.handler());
    }
    Manager.Builder b = Manager.builder(settings.identity())
        .config(PeerConfig.builder()
            .securityProtocols(settings.security())
            .streamMuxers(settings.muxer())
            .build())
        // One connection per way in, as the daemon's clients expect: no hole punch that would add
        // a second connection to a relayed peer behind their back, and no AutoNAT probing.
        .holePunching(null)
        .autoNat(null);
    // With -noListenAddrs the node binds nothing, as p2pd: it is reached through its relays.
    if (settings.noListen()) {
      b.listenNowhere();
    } else {
      (settings.hostAddrs().isEmpty() ? List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/0")) : settings.hostAddrs())
          .forEach(b::listenOn);
    }
    builtIn.forEach(b::handlerOnLimitedConnections);
    if (settings.dht() != DhtMode.OFF) {
      b.dht(dhtConfig(settings));
    }
    this.manager = b.build();
    this.dht = new DhtRequests(settings.dht() == DhtMode.OFF ? null : manager.dht(), settings.limits());
    Host host = Host.of(manager.listener());
    this.peers = new PeerRequests(manager, this::advertised, settings.limits());
    this.streams = new StreamOpener(host, peers, settings.limits());
    this.handlers = new StreamHandlers(host, transport, settings.limits(), builtIn);
    this.connManager = new ConnManagerRequests(host);
  }

  /**
   * Starts the node, then the control socket.
   *
   * @param settings what to run
   * @return completes with the running daemon, or fails if the node or the socket cannot start
   */
  public static CompletableFuture<Daemon> start(DaemonSettings settings) {
    Daemon d = new Daemon(settings);
    return d.manager.start().thenCompose(m -> d.startControl()).exceptionallyCompose(err ->
        // Closed off the event loop that reported the failure: closing waits for the loops.
        CompletableFuture.runAsync(d::close).thenCompose(v -> CompletableFuture.<Daemon>failedFuture(err)));
  }

  private CompletableFuture<Daemon> startControl() {
    if (settings.relay()) {
      manager.enableRelay();
    }
    for (Multiaddr peer : settings.bootstrapPeers()) {
      manager.connect(peer).whenComplete((p, err) -> {
        if (err != null) {
          log.warn("bootstrap peer {} unreachable: {}", peer, Failures.message(err));
        }
      });
    }
    ControlAddress control = settings.control();
    if (control.socket() instanceof UnixDomainSocketAddress unix) {
      removeStaleSocket(unix.getPath());
    }
    CompletableFuture<Daemon> started = new CompletableFuture<>();
    transport.listen(control, this::accept).addListener(f -> {
      if (!f.isSuccess()) {
        started.completeExceptionally(new IOException("cannot listen on " + control + ": " + f.cause(), f.cause()));
        return;
      }
      Channel ch = ((ChannelFuture) f).channel();
      server = ch;
      controlAddress = ch.localAddress() instanceof InetSocketAddress inet
          ? new ControlAddress(inet) : control;
      started.complete(this);
    });
    return started;
  }

  private static DhtConfig dhtConfig(DaemonSettings settings) {
    DhtConfig.Builder dht = DhtConfig.builder().mode(switch (settings.dht()) {
      // AutoNAT is off in the daemon, so -dht stays a client, as go's ModeAuto starts.
      case AUTO -> DhtConfig.Mode.AUTO;
      case CLIENT -> DhtConfig.Mode.CLIENT;
      case SERVER, OFF -> DhtConfig.Mode.SERVER;
    });
    // Bootstrap peers the DHT can join through must name their peer ID; the others are still
    // connected to at start.
    dht.bootstrap(settings.bootstrapPeers().stream().filter(a -> a.peerId().isPresent()).toList());
    return dht.build();
  }

  private static void removeStaleSocket(Path path) {
    // A socket file left by a daemon that did not stop cleanly would make the bind fail. It is
    // removed only when nothing answers on it: never a live daemon's socket, a regular file or a
    // directory.
    if (!Files.exists(path) || Files.isRegularFile(path) || Files.isDirectory(path)) {
      return;
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(path));
      throw new IllegalStateException("a daemon already listens on " + path);
    } catch (IOException stale) {
      try {
        Files.delete(path);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void accept(Channel ch) {
    if (controlConnections.incrementAndGet() > settings.limits().maxControlConnections()) {
      controlConnections.decrementAndGet();
      log.warn("control connection refused: {} are open, the limit", settings.limits().maxControlConnections());
      ch.eventLoop().execute(() -> ch.writeAndFlush(ControlCodec.encode(ch.alloc(),
          ControlCodec.error("too many control connections: the limit is "
              + settings.limits().maxControlConnections()), settings.limits().maxMessageBytes()))
          .addListener(f -> ch.close()));
      return;
    }
    ch.closeFuture().addListener(f -> controlConnections.decrementAndGet());
    ControlConnection.install(ch, this);
  }

  /** {@return the control socket's address, with the port bound when 0 was asked for} */
  public ControlAddress controlAddress() {
    return controlAddress;
  }

  /** {@return the node} */
  public Manager manager() {
    return manager;
  }

  /** {@return the limits in force} */
  public ControlLimits limits() {
    return settings.limits();
  }

  /** {@return the control connections open now} */
  public int controlConnections() {
    return controlConnections.get();
  }

  /** {@return the protocols a client handler is registered for now} */
  public int registeredHandlers() {
    return handlers.size();
  }

  List<Multiaddr> advertised() {
    if (!settings.announceAddrs().isEmpty()) {
      return settings.announceAddrs();
    }
    return settings.noListen() ? List.of() : manager.listenAddresses();
  }

  PeerRequests peers() {
    return peers;
  }

  StreamOpener streams() {
    return streams;
  }

  StreamHandlers handlers() {
    return handlers;
  }

  ConnManagerRequests connManager() {
    return connManager;
  }

  DhtRequests dht() {
    return dht;
  }

  /** Closes the control socket, every client connection and the node. */
  @Override
  public void close() {
    Channel s = server;
    if (s != null) {
      s.close().awaitUninterruptibly();
    }
    transport.close();
    manager.close();
    // Only the socket this daemon bound: a daemon that failed to start must not remove another's.
    if (s != null && settings.control().socket() instanceof UnixDomainSocketAddress unix) {
      try {
        Files.deleteIfExists(unix.getPath());
      } catch (IOException e) {
        log.debug("cannot remove {}: {}", unix.getPath(), e.toString());
      }
    }
  }
}
