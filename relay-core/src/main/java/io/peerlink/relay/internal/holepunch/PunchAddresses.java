package io.peerlink.relay.internal.holepunch;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.HolePunchConfig;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Which addresses a hole punch offers and tries: ours for CONNECT (the public addresses peers
 * observed, and the ports we dial from, TCP and QUIC), the remote's public listen addresses for a
 * connection reversal, and, of the addresses the remote sent, those a TCP simultaneous open or a
 * QUIC punch can reach.
 *
 * <p>Thread-safe.
 */
final class PunchAddresses {
  private final Host core;
  private final ObservedAddresses observed;
  private final HolePunchConfig config;
  private final Duration identifyWait;

  /**
   * @param core the host's internals
   * @param observed our observed addresses
   * @param config which transports punches use; half its message timeout bounds the wait for identify
   */
  PunchAddresses(Host core, ObservedAddresses observed, HolePunchConfig config) {
    this.core = core;
    this.observed = observed;
    this.config = config;
    this.identifyWait = config.messageTimeout().dividedBy(2);
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
    return port(false).orElseThrow(() ->
        new IllegalStateException("hole punching needs a listening TCP port to dial from; listen first"));
  }

  /** The port of our first direct listen address of QUIC ({@code quic}) or TCP, if any. */
  private Optional<Integer> port(boolean quic) {
    for (Multiaddr a : core.listenAddresses()) {
      if (!a.isRelayed() && a.isQuic() == quic) {
        InetSocketAddress s = PunchSockets.either(a).orElse(null);
        if (s != null && s.getPort() != 0) {
          return Optional.of(s.getPort());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Our addresses for CONNECT: the public ones peers observed, each also with our listening port
   * of its transport (a NAT that keeps ports maps our listening port to itself), and our public
   * listen addresses; TCP ones if punches use TCP, QUIC ones if they use QUIC and we listen on it.
   * A, having none, still answers with its direct listen addresses ({@code fallBackToListen}) so
   * B's attempt fails on the dial rather than on the message.
   *
   * @param fallBackToListen whether to name the direct listen addresses when nothing public is known
   * @return our addresses, without peer IDs; empty when we listen on neither transport punches use
   */
  List<Multiaddr> own(boolean fallBackToListen) {
    LinkedHashSet<Multiaddr> out = new LinkedHashSet<>();
    Optional<Integer> tcpPort = config.overTcp() ? port(false) : Optional.empty();
    Optional<Integer> quicPort = config.overQuic() ? port(true) : Optional.empty();
    if (tcpPort.isEmpty() && quicPort.isEmpty()) {
      return List.of();
    }
    if (tcpPort.isPresent()) {
      for (Multiaddr a : observed.candidates()) {
        InetSocketAddress s = PunchSockets.tcp(a).orElse(null);
        if (s != null) {
          out.add(Multiaddr.fromSocketAddress(new InetSocketAddress(s.getAddress(), tcpPort.get())));
          out.add(a.withoutPeerId());
        }
      }
    }
    if (quicPort.isPresent()) {
      for (Multiaddr a : observed.quicCandidates()) {
        InetSocketAddress s = PunchSockets.quic(a).orElse(null);
        if (s != null) {
          out.add(PunchSockets.quicAddress(new InetSocketAddress(s.getAddress(), quicPort.get())));
          out.add(a.withoutPeerId());
        }
      }
      // Peers that reached us over TCP only still told us our public IP: guess that the NAT keeps
      // the QUIC listen port there too, as it is guessed for TCP above.
      for (Multiaddr a : observed.candidates()) {
        PunchSockets.tcp(a).ifPresent(s ->
            out.add(PunchSockets.quicAddress(new InetSocketAddress(s.getAddress(), quicPort.get()))));
      }
    }
    for (Multiaddr a : core.listenAddresses()) {
      if (offered(a) && isPublic(a)) {
        out.add(a.withoutPeerId());
      }
    }
    if (out.isEmpty() && fallBackToListen) {
      for (Multiaddr a : core.listenAddresses()) {
        if (!a.isRelayed() && offered(a)) {
          out.add(a.withoutPeerId());
        }
      }
    }
    return List.copyOf(out);
  }

  /** Whether punches use {@code a}'s transport. */
  private boolean offered(Multiaddr a) {
    return a.isQuic() ? config.overQuic() : config.overTcp();
  }

  /** Whether {@code a}, a TCP or QUIC address, is public (the filter reads TCP addresses). */
  private boolean isPublic(Multiaddr a) {
    if (!a.isQuic()) {
      return observed.filter().test(a);
    }
    return PunchSockets.quic(a).map(s -> observed.filter().test(Multiaddr.fromSocketAddress(s))).orElse(false);
  }

  /**
   * The remote's listen addresses worth a direct dial before punching (a connection reversal):
   * the public ones.
   *
   * @param listenAddrs the addresses the remote announced in identify
   * @return the public ones
   */
  List<Multiaddr> publicOf(List<Multiaddr> listenAddrs) {
    return listenAddrs.stream().filter(a -> !a.isRelayed() && isPublic(a)).toList();
  }

  /**
   * The remote's addresses a TCP simultaneous open can dial: resolved IPv4 TCP addresses (we dial
   * from our IPv4 listening socket); none when punches do not use TCP.
   *
   * @param addrs the addresses the remote sent in CONNECT
   * @return their socket addresses
   */
  List<InetSocketAddress> tcpDialable(List<Multiaddr> addrs) {
    List<InetSocketAddress> remotes = new ArrayList<>();
    if (!config.overTcp()) {
      return remotes;
    }
    for (Multiaddr a : addrs) {
      InetSocketAddress remote = PunchSockets.tcp(a).orElse(null);
      if (remote != null && !(remote.getAddress() instanceof Inet6Address)) {
        remotes.add(remote);
      }
    }
    return remotes;
  }

  /**
   * The remote's QUIC addresses a QUIC punch can reach: their UDP socket addresses; none when
   * punches do not use QUIC. Whether we listen on QUIC in their IP family is the host's to say when
   * the punch starts.
   *
   * @param addrs the addresses the remote sent in CONNECT
   * @return their socket addresses
   */
  List<InetSocketAddress> quicDialable(List<Multiaddr> addrs) {
    List<InetSocketAddress> remotes = new ArrayList<>();
    if (!config.overQuic()) {
      return remotes;
    }
    for (Multiaddr a : addrs) {
      PunchSockets.quic(a).ifPresent(remotes::add);
    }
    return remotes;
  }
}
