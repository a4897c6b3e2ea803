package io.peerlink.core;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.host.Transports;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection between two hosts that reports itself as relayed through {@code relay}: a plain
 * loopback TCP connection upgraded with {@link Host#upgrade} as relay-core upgrades a circuit.
 * Lets peer-core tests hold direct and relayed connections to one peer without a relay server.
 */
final class LoopbackCircuit {
  private LoopbackCircuit() {}

  /** The two ends of one relayed connection. */
  record Ends(Peer dialer, Peer target) {}

  /** The two ends' upgrades, either of which may fail if a pool closes the connection at once. */
  record Upgrades(CompletableFuture<Peer> dialer, CompletableFuture<Peer> target) {}

  static Ends open(Host dialer, Host target, PeerId relay) throws Exception {
    Upgrades u = start(dialer, target, relay);
    return new Ends(u.dialer().get(20, TimeUnit.SECONDS), u.target().get(20, TimeUnit.SECONDS));
  }

  static Upgrades start(Host dialer, Host target, PeerId relay) throws Exception {
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    Channel server = new ServerBootstrap().group(target.eventLoops())
        .channel(Transports.serverSocketChannel())
        .childOption(ChannelOption.AUTO_READ, false) // nothing may be read before the upgrade is in place
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            accepted.complete(ch);
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    try {
      Channel out = new Bootstrap().group(dialer.eventLoops())
          .channel(Transports.socketChannel())
          .option(ChannelOption.AUTO_READ, false)
          .handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {}
          })
          .connect(server.localAddress()).sync().channel();
      Channel in = accepted.get(10, TimeUnit.SECONDS);
      Multiaddr via = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + relay + "/p2p-circuit");
      CompletableFuture<Peer> d = dialer.upgrade(out, Direction.OUTBOUND, target.identity().peerId(),
          ConnectionPath.RELAYED, via, null);
      CompletableFuture<Peer> t = target.upgrade(in, Direction.INBOUND, null, ConnectionPath.RELAYED, via, null);
      for (Channel ch : new Channel[] {out, in}) {
        ch.eventLoop().execute(() -> ch.config().setAutoRead(true));
      }
      return new Upgrades(d, t);
    } finally {
      server.close();
    }
  }
}
