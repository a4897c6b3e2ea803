package io.peerlink.core;

import io.netty.util.internal.PlatformDependent;
import io.peerlink.core.ResourceLimits.Resource;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.resource.ResourceManager;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.testing.LeakDetectionExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host a {@link WindowHoldAttacker} attacks: an echo server with the default resource limits,
 * which samples its direct memory as it goes. {@link #main} runs it in a child JVM: it prints
 * {@code LISTENING <address>}, {@code REFUSING} at the first stream reset for memory, and, after
 * a line {@code STOP} on its input, stops and prints {@code OUTCOME ...}.
 */
final class WindowHoldHost implements AutoCloseable {
  private final AtomicLong refusals = new AtomicLong();
  private final AtomicLong mostDirect = new AtomicLong();
  private final Listener listener;
  private final ResourceManager resources;
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
  private volatile Runnable onFirstRefusal = () -> { };
  private Duration stop = Duration.ZERO;
  /** Closing a listener twice waits for event loops that are gone; close it once. */
  private final AtomicBoolean closed = new AtomicBoolean();

  WindowHoldHost() throws Exception {
    listener = Listener.builder(Identity.generate()).config(WindowHoldAttacker.CONFIG)
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(Echo.PROTOCOL_ID, Echo.handler())
        .eventListener(new EventListener() {
          @Override
          public void resourceLimitExceeded(ResourceLimits.Scope scope, Resource resource, String remote) {
            if (resource == Resource.MEMORY && refusals.getAndIncrement() == 0) {
              onFirstRefusal.run();
            }
          }
        })
        .build().start().get(20, TimeUnit.SECONDS);
    resources = listener.core().resources();
    sampler.scheduleAtFixedRate(() -> mostDirect.accumulateAndGet(directBytes(), Math::max),
        0, 20, TimeUnit.MILLISECONDS);
  }

  Multiaddr address() {
    return listener.listenAddresses().get(0);
  }

  long refusals() {
    return refusals.get();
  }

  /** Stops the host, waits for the last bytes to be given back, and reports. */
  String stopAndReport() throws Exception {
    long start = System.nanoTime();
    close();
    stop = Duration.ofNanos(System.nanoTime() - start);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && resources.used(Resource.MEMORY) != 0) {
      Thread.sleep(10); // the last writes fail as their channels close
    }
    return "peakMemory=" + resources.peak(Resource.MEMORY) + " mostDirectBytes=" + mostDirect.get()
        + " memoryRefusals=" + refusals.get() + " stopMs=" + stop.toMillis()
        + " memoryAfter=" + resources.used(Resource.MEMORY)
        + " streamsAfter=" + resources.used(Resource.INBOUND_STREAMS)
        + " leaks=" + LeakDetectionExtension.collectLeaks().size();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      sampler.shutdownNow();
      listener.close();
    }
  }

  /** Direct memory in use: NIO's direct buffers, and Netty's own when it counts them. */
  static long directBytes() {
    long nio = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        nio = pool.getMemoryUsed();
      }
    }
    return nio + Math.max(0, PlatformDependent.usedDirectMemory());
  }

  /** Runs the host in this JVM until {@code STOP} arrives on its input; exit 0 once stopped. */
  public static void main(String[] args) {
    try {
      WindowHoldHost host = new WindowHoldHost();
      host.onFirstRefusal = () -> say("REFUSING");
      say("LISTENING " + host.address());
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null && !line.equals("STOP"); ) {
        // only STOP means anything
      }
      say("OUTCOME " + host.stopAndReport());
      System.exit(0);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
