package io.peerlink.benchmarks.soak;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The attacks that need no libp2p: slowloris (many sockets, one byte of a multistream header a
 * second) and garbage (random bytes where a handshake belongs), each looping until told to stop.
 */
final class RawSocketAttacks {
  private static final byte[] HEADER = "\u0013/multistream/1.0.0\n".getBytes(StandardCharsets.US_ASCII);

  private final InetSocketAddress relay;
  private final AttackCounters counters;
  private final BooleanSupplier running;

  RawSocketAttacks(InetSocketAddress relay, AttackCounters counters, BooleanSupplier running) {
    this.relay = relay;
    this.counters = counters;
    this.running = running;
  }

  /** Keeps {@code sockets} connections open, each sending one more header byte per second. */
  void slowloris(int sockets) {
    List<Socket> open = new ArrayList<>();
    int[] sent = new int[sockets];
    while (running.getAsBoolean()) {
      while (open.size() < sockets) {
        try {
          Socket s = new Socket();
          s.connect(relay, 2000);
          open.add(s);
          counters.inc("slowloris", "connections");
        } catch (IOException e) {
          counters.inc("slowloris", "connectFailures");
          break;
        }
      }
      for (int i = open.size() - 1; i >= 0; i--) {
        Socket s = open.get(i);
        try {
          OutputStream out = s.getOutputStream();
          out.write(HEADER[sent[i % sockets]++ % HEADER.length]);
          out.flush();
        } catch (IOException e) {
          counters.inc("slowloris", "closedByRelay");
          closeQuietly(s);
          open.remove(i);
        }
      }
      pause(1000);
    }
    open.forEach(RawSocketAttacks::closeQuietly);
  }

  /** Connects, sends 64 KiB of random bytes, closes; again and again. */
  void garbage() {
    Random random = new Random(42);
    byte[] junk = new byte[64 * 1024];
    while (running.getAsBoolean()) {
      random.nextBytes(junk);
      try (Socket s = new Socket()) {
        s.connect(relay, 2000);
        s.getOutputStream().write(junk);
        counters.inc("garbage", "rounds");
      } catch (IOException e) {
        counters.inc("garbage", "refused");
      }
      pause(20);
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis); // pacing an attack loop, not synchronisation
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing a socket the relay already dropped
    }
  }
}
