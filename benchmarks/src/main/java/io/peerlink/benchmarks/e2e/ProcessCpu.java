package io.peerlink.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user plus system) a process has used so far, from {@code /proc/<pid>/stat}, so the
 * same reading works for a JVM and a Node process. Resolution is one clock tick (10 ms at the
 * usual 100 Hz): measure transfers of tens of MiB, not single frames.
 */
final class ProcessCpu {
  private static final double TICKS_PER_SECOND = ticksPerSecond();

  private ProcessCpu() {}

  /** Seconds of CPU used by {@code pid} since it started. */
  static double seconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may hold spaces; the fields after it are fixed.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long utime = Long.parseLong(f[11]);
      long stime = Long.parseLong(f[12]);
      return (utime + stime) / TICKS_PER_SECOND;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the CPU time of process " + pid + ": " + e, e);
    }
  }

  private static double ticksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Double.parseDouble(out);
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
