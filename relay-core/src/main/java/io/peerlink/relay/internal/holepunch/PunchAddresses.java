package io.peerlink.relay.internal.holepunch;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Which addresses a hole punch offers and tries: ours for CONNECT (the public addresses peers
 * observed, and the port we dial from), the remote's public listen addresses for a connection
 * reversal, and, of the addresses the remote sent, those a simultaneous open can dial.
 *
 * <p>Thread-safe.
 */
final class PunchAddresses {
  private final Host core;
  private final ObservedAddresses observed;
  private final Duration identifyWait;

  /**
   * @param core the host's internals
   * @param observed our observed addresses
   * @param messageTimeout DCUtR's message timeout; half of it bounds the wait for identify
   */
  PunchAddresses(Host core, ObservedAddresses observed, Duration messageTimeout) {
    this.core = core;
    this.observed = observed;
    this.identifyWait = messageTimeout.dividedBy(2);
  }

  /**
   * Completes once identify finished on every open direct connection (bounded by half the message
   * timeout), so the observed addresses are known before we name ours.
   */
  CompletableFuture<Void> identified() {
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (Peer c : core.connections()) {
      if (c.path() != ConnectionPath.RELAYED && c.isOpen()) {
        all.add(c.identify().handle((i, e) -> null));
      }
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, identifyWait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The port of our first direct TCP listen address: punches dial from it, so the NAT mapping
   * peers observed is the one our SYNs use.
   *
   * @throws IllegalStateException if we do not listen on TCP
   */
  int listenPort() {
    for (Multiaddr a : core.listenAddresses()) {
      if (!a.isRelayed()) {
        InetSocketAddress s = a.withoutPeerId().toSocketAddress().orElse(null);
        if (s != null && s.getPort() != 0) {
          return s.getPort();
        }
      }
    }
    throw new IllegalStateException("hole punching needs a listening TCP port to dial from; listen first");
  }

  /**
   * Our addresses for CONNECT: the public ones peers observed, each also with our listening port
   * (a NAT that keeps ports maps our listening port to itself), and our public listen addresses.
   * A, having none, still answers with its direct listen addresses ({@code fallBackToListen}) so
   * B's attempt fails on the dial rather than on the message.
   *
   * @param fallBackToListen whether to name the direct listen addresses when nothing public is known
   * @return our addresses, without peer IDs; empty when we do not listen on TCP
   */
  List<Multiaddr> own(boolean fallBackToListen) {
    LinkedHashSet<Multiaddr> out = new LinkedHashSet<>();
    int port;
    try {
      port = listenPort();
    } catch (IllegalStateException e) {
      return List.of();
    }
    for (Multiaddr a : observed.candidates()) {
      InetSocketAddress s = a.toSocketAddress().orElse(null);
      if (s == null || s.isUnresolved()) {
        continue;
      }
      out.add(Multiaddr.fromSocketAddress(new InetSocketAddress(s.getAddress(), port)));
      out.add(a.withoutPeerId());
    }
    for (Multiaddr a : core.listenAddresses()) {
      if (observed.filter().test(a)) {
        out.add(a.withoutPeerId());
      }
    }
    if (out.isEmpty() && fallBackToListen) {
      for (Multiaddr a : core.listenAddresses()) {
        if (!a.isRelayed()) {
          out.add(a.withoutPeerId());
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * The remote's listen addresses worth a direct dial before punching (a connection reversal):
   * the public ones.
   *
   * @param listenAddrs the addresses the remote announced in identify
   * @return the public ones
   */
  List<Multiaddr> publicOf(List<Multiaddr> listenAddrs) {
    return listenAddrs.stream().filter(observed.filter()).toList();
  }

  /**
   * The remote's addresses a simultaneous open can dial: resolved IPv4 TCP addresses (we dial
   * from our IPv4 listening socket).
   *
   * @param addrs the addresses the remote sent in CONNECT
   * @return their socket addresses
   */
  static List<InetSocketAddress> dialable(List<Multiaddr> addrs) {
    List<InetSocketAddress> remotes = new ArrayList<>();
    for (Multiaddr a : addrs) {
      InetSocketAddress remote = a.toSocketAddress().orElse(null);
      if (remote == null || remote.isUnresolved() || remote.getAddress() instanceof Inet6Address) {
        continue;
      }
      remotes.add(remote);
    }
    return remotes;
  }
}
