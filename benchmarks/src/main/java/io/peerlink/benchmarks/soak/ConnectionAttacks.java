package io.peerlink.benchmarks.soak;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.peerlink.core.Connector;
import io.peerlink.core.DialPolicy;
import io.peerlink.core.Peer;
import io.peerlink.core.Stream;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.ProtocolIds;
import io.peerlink.core.internal.yamux.YamuxFrame;
import io.peerlink.core.internal.yamux.YamuxFrameEncoder;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Manager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The attacks made over real libp2p connections to the relay, each a loop until told to stop: a
 * ping flood that never reads the replies, a window hold (many echoing streams never read), oversize
 * yamux and hop frames, a reservation flood and a connection flood. Each attack connects with
 * identities of its own, so the relay can only tell them apart from the innocent peers by behaviour.
 */
final class ConnectionAttacks {
  private static final String HOP = "/libp2p/circuit/relay/0.2.0/hop";
  private static final DialPolicy ONCE = DialPolicy.builder().maxAttempts(1).build();

  private final Multiaddr relay;
  private final EventLoopGroup group;
  private final AttackCounters counters;
  private final BooleanSupplier running;

  ConnectionAttacks(Multiaddr relay, EventLoopGroup group, AttackCounters counters, BooleanSupplier running) {
    this.relay = relay;
    this.group = group;
    this.counters = counters;
    this.running = running;
  }

  /** Sends yamux pings in batches and never reads a reply, until the relay drops the connection. */
  void pingFlood() {
    loop("pingFlood", () -> {
      try (Connector c = connector()) {
        Peer peer = c.connect(relay).get(10, TimeUnit.SECONDS);
        Channel conn = connection(peer);
        conn.config().setAutoRead(false);
        ChannelHandlerContext encoder = conn.pipeline().context(YamuxFrameEncoder.class);
        long sent = 0;
        while (running.getAsBoolean() && conn.isActive() && sent < 3_000_000) {
          if (!conn.isWritable()) {
            RawSocketAttacks.pause(5);
            continue;
          }
          long base = sent;
          conn.eventLoop().submit(() -> {
            for (int i = 0; i < 1000; i++) {
              encoder.write(YamuxFrame.ping(YamuxFrame.FLAG_SYN, base + i));
            }
            encoder.flush();
          }).get(10, TimeUnit.SECONDS);
          sent += 1000;
        }
        counters.add("pingFlood", "pings", sent);
        if (!conn.isActive()) {
          counters.inc("pingFlood", "closedByRelay");
        }
      }
    });
  }

  /** Opens up to 200 echoing ping streams, fills them and never reads, holding them 20 s. */
  void windowHold() {
    loop("windowHold", () -> {
      try (Connector c = connector()) {
        Peer peer = c.connect(relay).get(10, TimeUnit.SECONDS);
        List<Stream> held = new ArrayList<>();
        for (int i = 0; i < 200 && running.getAsBoolean(); i++) {
          try {
            Stream s = peer.newStream(ProtocolIds.PING, st -> st.channel().config().setAutoRead(false))
                .get(5, TimeUnit.SECONDS);
            s.channel().writeAndFlush(Unpooled.wrappedBuffer(new byte[256 * 1024]));
            held.add(s);
          } catch (Exception refused) {
            counters.inc("windowHold", "streamsRefused");
          }
        }
        counters.add("windowHold", "streamsHeld", held.size());
        for (int waited = 0; waited < 20 && running.getAsBoolean(); waited++) {
          RawSocketAttacks.pause(1000);
        }
        if (!connection(peer).isActive()) {
          counters.inc("windowHold", "closedByRelay");
        }
      }
    });
  }

  /** A yamux data frame announcing 16 MiB on a new stream, and a hop message announcing 1 GiB. */
  void oversizeFrames() {
    loop("oversize", () -> {
      try (Connector c = connector()) {
        Peer peer = c.connect(relay).get(10, TimeUnit.SECONDS);
        Stream hop = peer.newStream(HOP, s -> {}).get(5, TimeUnit.SECONDS);
        ByteBuf huge = Unpooled.buffer().writeBytes(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04});
        hop.channel().writeAndFlush(Unpooled.wrappedBuffer(huge, Unpooled.wrappedBuffer(new byte[64 * 1024])));
        Channel conn = connection(peer);
        ChannelHandlerContext encoder = conn.pipeline().context(YamuxFrameEncoder.class);
        ByteBuf header = Unpooled.buffer(YamuxFrame.HEADER_LENGTH)
            .writeByte(0).writeByte(YamuxFrame.TYPE_DATA).writeShort(YamuxFrame.FLAG_SYN)
            .writeInt(100_001).writeInt(16 << 20);
        conn.eventLoop().execute(() -> {
          encoder.write(header); // below the encoder: raw bytes to the security layer
          encoder.writeAndFlush(Unpooled.wrappedBuffer(new byte[64 * 1024]));
        });
        counters.inc("oversize", "rounds");
        RawSocketAttacks.pause(500);
        if (!conn.isActive()) {
          counters.inc("oversize", "closedByRelay");
        }
      }
    });
  }

  /** Reserves from 16 fresh identities at a time, then drops them all; again and again. */
  void reservationFlood() {
    loop("reservationFlood", () -> {
      List<Manager> managers = new ArrayList<>();
      try {
        for (int i = 0; i < 16 && running.getAsBoolean(); i++) {
          Manager m = Manager.builder(Identity.generate()).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
              .build().start().get(10, TimeUnit.SECONDS);
          managers.add(m);
          try {
            m.reserve(relay).get(10, TimeUnit.SECONDS);
            counters.inc("reservationFlood", "granted");
          } catch (Exception refused) {
            counters.inc("reservationFlood", "refused");
          }
        }
      } finally {
        managers.forEach(Manager::close);
      }
    });
  }

  /** Opens 300 connections from fresh identities, holds them a moment, closes them; again. */
  void connectionFlood() {
    loop("connectionFlood", () -> {
      List<Connector> open = new ArrayList<>();
      try {
        for (int i = 0; i < 300 && running.getAsBoolean(); i++) {
          Connector c = connector();
          open.add(c);
          try {
            c.connect(relay).get(10, TimeUnit.SECONDS);
            counters.inc("connectionFlood", "accepted");
          } catch (Exception refused) {
            counters.inc("connectionFlood", "refused");
          }
        }
        RawSocketAttacks.pause(2000);
      } finally {
        open.forEach(Connector::close);
      }
    });
  }

  private Connector connector() {
    return Connector.builder(Identity.generate()).eventLoopGroup(group).dialPolicy(ONCE).build();
  }

  /** The connection's channel, reached through a stream (the public API does not expose it). */
  private static Channel connection(Peer peer) throws Exception {
    Stream s = peer.newStream(ProtocolIds.PING, st -> {}).get(5, TimeUnit.SECONDS);
    Channel conn = s.channel().parent();
    s.channel().close();
    return conn;
  }

  private void loop(String attack, Round round) {
    while (running.getAsBoolean()) {
      try {
        round.run();
        counters.inc(attack, "rounds");
      } catch (Exception e) {
        counters.error(attack, e);
        RawSocketAttacks.pause(500);
      }
    }
  }

  /** One round of an attack. */
  @FunctionalInterface
  private interface Round {
    void run() throws Exception;
  }
}
