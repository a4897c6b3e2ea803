package io.peerlink.core.internal.host;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Connector;
import io.peerlink.core.DialPolicy;
import io.peerlink.core.Direction;
import io.peerlink.core.Echo;
import io.peerlink.core.EventListener;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Two hosts on 127.0.0.1 for the peer-handle tests: a server (a listener serving echo) and a
 * client (a connector), with as many connections between them as a test asks for. A "relayed"
 * connection here is a plain TCP connection upgraded through {@link Host#upgrade} as a relayed one
 * (with a limit if asked): the same code path a circuit through a relay takes, without a relay,
 * which peer-core's tests cannot depend on; relay-server's loopback tests use a real one.
 */
final class HandlePeers implements AutoCloseable {
  static final Multiaddr LOOPBACK = Multiaddr.parse("/ip4/127.0.0.1/tcp/0");
  static final Multiaddr CIRCUIT = Multiaddr.parse("/ip4/127.0.0.1/tcp/1/p2p-circuit");

  final Listener server;
  final Connector client;
  private Channel rawServer;

  HandlePeers(PeerConfig config, EventListener... clientEvents) {
    this.server = Listener.builder(Identity.generate()).config(config).listenOn(LOOPBACK)
        .handler(Echo.PROTOCOL_ID, Echo.handler()).build().start().join();
    Connector.Builder b = Connector.builder(Identity.generate()).config(config)
        .dialPolicy(DialPolicy.builder().maxAttempts(1).build()).eventExecutor(Runnable::run);
    for (EventListener l : clientEvents) {
      b.eventListener(l);
    }
    this.client = b.build();
  }

  /**
   * Noise (no certificate to make); no keep-alive, quality pings or liveness probes unless a test turns them on,
   * so the RTT samples a test injects are the only ones.
   */
  static PeerConfig.Builder config() {
    return PeerConfig.builder().securityProtocols(SecurityProtocol.NOISE)
        .keepAliveInterval(Duration.ZERO).qualityPingInterval(Duration.ZERO)
        .livenessProbe(Duration.ZERO, Duration.ofSeconds(1));
  }

  /** A new direct connection from the client to the server. */
  PeerConnection direct() throws Exception {
    return (PeerConnection) client.connect(server.listenAddresses().get(0)).get(20, TimeUnit.SECONDS);
  }

  /** A new connection marked relayed, limited by {@code limit} (null: unlimited), on both ends. */
  PeerConnection relayed(ConnectionLimit limit) throws Exception {
    Host serverHost = Host.of(server);
    Host clientHost = Host.of(client);
    synchronized (this) {
      if (rawServer == null) {
        rawServer = new ServerBootstrap().group(serverHost.eventLoops())
            .channel(Transports.serverSocketChannel())
            .childHandler(new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                serverHost.upgrade(ch, Direction.INBOUND, null, ConnectionPath.RELAYED, CIRCUIT, currentLimit);
              }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
      }
      currentLimit = limit;
    }
    // The upgrade goes in before the channel connects: the server's multistream header may
    // arrive right after the connect, before any listener on the connect future would run.
    CompletableFuture<CompletableFuture<Peer>> upgrade = new CompletableFuture<>();
    new Bootstrap().group(clientHost.eventLoops())
        .channel(Transports.socketChannel())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            upgrade.complete(clientHost.upgrade(c, Direction.OUTBOUND, server.peerId(), ConnectionPath.RELAYED,
                CIRCUIT, limit));
          }
        })
        .connect(rawServer.localAddress()).sync();
    CompletableFuture<Peer> up = upgrade.get(20, TimeUnit.SECONDS);
    return (PeerConnection) up.get(20, TimeUnit.SECONDS);
  }

  private volatile ConnectionLimit currentLimit;

  /** The client's handle of the server. */
  PeerHandle handle() {
    return client.handle(server.peerId()).orElseThrow();
  }

  @Override
  public void close() throws Exception {
    if (rawServer != null) {
      rawServer.close().sync();
    }
    client.close();
    server.close();
  }
}
