package io.peerlink.benchmarks.soak;

import io.netty.channel.EventLoopGroup;
import io.peerlink.core.Echo;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.host.Transports;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Manager;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The soak and flood test (scripts/soak.sh runs it; never part of a build): against a relay daemon,
 * an innocent pair of peers exchanges checked data over relayed circuits while every attack runs at
 * once, and the relay's heap, direct memory and threads are sampled after GC.
 *
 * <p>{@code serve --relay ADDR}: the innocent peer behind the relay; reserves a slot, serves echo,
 * prints {@code {"event":"reserved","addrs":[...]}} and runs until killed.
 * {@code drive --relay ADDR --target CIRCUIT_ADDR --seconds N --metrics HOST:PORT --relay-pid PID
 * --report FILE}: the innocent dialer and the attackers; writes the report as JSON.
 */
public final class SoakBenchmark {
  private static final int CHECK_BYTES = 32 * 1024;

  private SoakBenchmark() {}

  /**
   * Runs one role.
   *
   * @param args {@code serve ...} or {@code drive ...}, see the class comment
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (args.length > 0 && args[0].equals("serve")) {
      serve(Multiaddr.parse(opts.get("relay")));
    } else if (args.length > 0 && args[0].equals("drive")) {
      drive(opts);
      System.exit(0);
    } else {
      System.err.println("usage: SoakBenchmark serve --relay ADDR | drive --relay ADDR --target ADDR"
          + " --seconds N --metrics HOST:PORT --relay-pid PID --report FILE");
      System.exit(2);
    }
  }

  private static void serve(Multiaddr relay) throws Exception {
    Manager m = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handlerOnLimitedConnections(Echo.PROTOCOL_ID, Echo.handler())
        .build().start().get(30, TimeUnit.SECONDS);
    m.setRelayAddr(relay);
    m.connectRelay().get(30, TimeUnit.SECONDS);
    while (m.relayedAddresses().isEmpty()) {
      RawSocketAttacks.pause(100);
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", "reserved");
    line.put("addrs", m.relayedAddresses().stream().map(Object::toString).toList());
    System.out.println(SoakJson.write(line));
    new CountDownLatch(1).await(); // until the script kills this process
  }

  private static void drive(Map<String, String> o) throws Exception {
    Multiaddr relay = Multiaddr.parse(o.get("relay"));
    Multiaddr target = Multiaddr.parse(o.get("target"));
    long seconds = Long.parseLong(o.get("seconds"));
    RelaySampler sampler = new RelaySampler(Long.parseLong(o.get("relay-pid")), o.get("metrics"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AttackCounters counters = new AttackCounters();
    BooleanSupplier running = () -> System.nanoTime() < deadline;
    EventLoopGroup attackLoops = Transports.newGroup(2, "soak-attack"); // the transport's own loop type
    String host = relay.toString().split("/")[2];
    int port = Integer.parseInt(relay.toString().split("/")[4]);
    RawSocketAttacks raw = new RawSocketAttacks(new InetSocketAddress(host, port), counters, running);
    ConnectionAttacks conns = new ConnectionAttacks(relay, attackLoops, counters, running);

    List<Map<String, Object>> samples = new ArrayList<>();
    samples.add(sampler.sample(0)); // before any traffic
    List<Thread> threads = new ArrayList<>();
    threads.add(start("slowloris", () -> raw.slowloris(100)));
    threads.add(start("garbage", raw::garbage));
    threads.add(start("pingFlood", conns::pingFlood));
    threads.add(start("windowHold", conns::windowHold));
    threads.add(start("oversize", conns::oversizeFrames));
    threads.add(start("reservationFlood", conns::reservationFlood));
    threads.add(start("connectionFlood", conns::connectionFlood));

    Manager innocent = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handlerOnLimitedConnections(Echo.PROTOCOL_ID, Echo.handler()) // echo may run over circuits
        .build().start().get(30, TimeUnit.SECONDS);
    AtomicLong ok = new AtomicLong();
    AtomicLong retried = new AtomicLong();
    List<String> failures = new ArrayList<>();
    Random random = new Random(1);
    long start = System.nanoTime();
    long nextSample = start + TimeUnit.SECONDS.toNanos(15);
    Peer peer = null;
    while (running.getAsBoolean()) {
      byte[] payload = new byte[CHECK_BYTES];
      random.nextBytes(payload);
      String error = null;
      for (int attempt = 0; attempt < 2; attempt++) {
        try {
          if (peer == null || attempt > 0) {
            peer = innocent.connect(target).get(30, TimeUnit.SECONDS);
          }
          Echo.roundTrip(peer, payload).get(30, TimeUnit.SECONDS); // checks every byte
          error = null;
          break;
        } catch (Exception e) {
          // A circuit may end at its relay limits (data, duration): one retry on a new circuit.
          error = e.toString();
          if (peer != null) {
            peer.close(); // a circuit left open would count against the relay's per-peer limit
          }
          peer = null;
          if (attempt == 0) {
            retried.incrementAndGet();
          }
        }
      }
      if (error == null) {
        ok.incrementAndGet();
      } else if (failures.size() < 50) {
        failures.add(error);
      } else {
        failures.set(49, error + " (and more)");
      }
      if (System.nanoTime() >= nextSample) {
        samples.add(sampler.sample(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)));
        nextSample += TimeUnit.SECONDS.toNanos(15);
      }
      RawSocketAttacks.pause(100);
    }
    for (Thread t : threads) {
      t.join(30_000);
    }
    innocent.close();
    attackLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    samples.add(sampler.sample(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)));

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("seconds", seconds);
    report.put("innocentChecksOk", ok.get());
    report.put("innocentChecksFailed", failures.size());
    report.put("innocentChecksRetried", retried.get());
    report.put("innocentFailures", failures);
    report.put("attacks", counters.snapshot());
    report.put("attackFirstErrors", counters.firstErrors());
    report.put("relaySamples", samples);
    Files.writeString(Path.of(o.get("report")), SoakJson.write(report) + "\n");
  }

  private static Thread start(String name, Runnable attack) {
    Thread t = new Thread(attack, "attack-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
