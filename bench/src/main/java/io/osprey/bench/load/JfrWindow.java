package io.osprey.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Cuts a JFR recording of the Osprey server ({@code SERVER_JFR=file bench/loadtest.sh ...}) to
 * the measurement windows {@code bench/loadtest.sh} printed, and reports for each: allocation
 * rate (per-thread allocated bytes, {@code jdk.ThreadAllocationStatistics}) in MB/s and bytes per
 * egress packet, the top allocation sites ({@code jdk.ObjectAllocationSample}, weighted), GC
 * cycles and pauses ({@code jdk.GCPhasePause}), heap used after GC, and where the CPU goes: CPU
 * time samples ({@code jdk.CPUTimeSample}, which see native code and system calls) or, without
 * them, execution samples, by top frame, package, thread and inclusive method.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.osprey.bench.load.JfrWindow recording.jfr results.jsonl [server] [top]</pre>
 */
public final class JfrWindow {
  private final long startMs;
  private final long endMs;
  private final double egressPackets;
  private final Map<Long, long[]> allocated = new HashMap<>(); // thread id -> {ms at start, bytes at start, ms at end, bytes at end}
  private final Map<String, Long> allocationSites = new HashMap<>();
  private long sampledAllocation;
  private final List<Long> pausesNanos = new ArrayList<>();
  private final Set<Long> gcIds = new HashSet<>();
  private final List<Long> heapAfterGc = new ArrayList<>();
  private long heapCommitted;
  private long heapUsedMin = Long.MAX_VALUE;
  private long heapUsedMax;
  private long allocationStalls;
  private long lostCpuSamples;
  private final Map<String, Long> self = new HashMap<>();
  private final Map<String, Long> selfPackage = new HashMap<>();
  private final Map<String, Long> threads = new HashMap<>();
  private final Map<String, Long> inclusive = new HashMap<>();
  private long cpuSamples;
  private long executionSamples;
  private final Map<String, Long> executionSelf = new HashMap<>();

  private JfrWindow(long startMs, long endMs, double egressPackets) {
    this.startMs = startMs;
    this.endMs = endMs;
    this.egressPackets = egressPackets;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: JfrWindow <recording.jfr> <results.jsonl> [server, default osprey] [top, default 25]");
      System.exit(2);
    }
    String server = args.length > 2 ? args[2] : "osprey";
    int top = args.length > 3 ? Integer.parseInt(args[3]) : 25;
    List<ResultLine> results = ResultLine.read(List.of(Path.of(args[1])));
    List<JfrWindow> windows = new ArrayList<>();
    List<ResultLine> measured = new ArrayList<>();
    for (ResultLine r : results) {
      if (server.equals(r.text("server")) && !Double.isNaN(r.number("windowStartMs"))) {
        windows.add(new JfrWindow((long) r.number("windowStartMs"), (long) r.number("windowEndMs"),
            r.number("egressPackets")));
        measured.add(r);
      }
    }
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("no " + server + " measurement with a window in " + args[1]);
    }
    try (RecordingFile f = new RecordingFile(Path.of(args[0]))) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        for (JfrWindow w : windows) {
          w.accept(e);
        }
      }
    }
    for (int i = 0; i < windows.size(); i++) {
      windows.get(i).print(measured.get(i), top);
    }
  }

  private void accept(RecordedEvent e) {
    String type = e.getEventType().getName();
    long ms = e.getStartTime().toEpochMilli();
    if (type.equals("jdk.ThreadAllocationStatistics")) { // periodic: before, in and after the window all count
      RecordedThread t = e.getThread("thread");
      if (t == null) {
        return;
      }
      long[] a = allocated.computeIfAbsent(t.getId(), k -> new long[] {Long.MIN_VALUE, 0, Long.MIN_VALUE, 0});
      long bytes = e.getLong("allocated");
      if (ms <= startMs && ms > a[0]) {
        a[0] = ms;
        a[1] = bytes;
      }
      if (ms <= endMs && ms > a[2]) {
        a[2] = ms;
        a[3] = bytes;
      }
      return;
    }
    if (ms < startMs || ms > endMs) {
      return;
    }
    switch (type) {
      case "jdk.ObjectAllocationSample" -> {
        long weight = e.getLong("weight");
        sampledAllocation += weight;
        allocationSites.merge(site(e.getStackTrace()) + "  " + e.getClass("objectClass").getName(), weight, Long::sum);
      }
      case "jdk.GCPhasePause" -> pausesNanos.add(e.getDuration().toNanos());
      case "jdk.GCHeapMemoryUsage" -> {
        heapUsedMin = Math.min(heapUsedMin, e.getLong("used"));
        heapUsedMax = Math.max(heapUsedMax, e.getLong("used"));
        heapCommitted = Math.max(heapCommitted, e.getLong("committed"));
      }
      case "jdk.ZAllocationStall" -> allocationStalls++;
      case "jdk.CPUTimeSamplesLost" -> lostCpuSamples += e.getInt("lostSamples");
      case "jdk.GarbageCollection" -> gcIds.add(e.getLong("gcId"));
      case "jdk.GCHeapSummary" -> {
        if ("After GC".equals(e.getString("when"))) {
          heapAfterGc.add(e.getLong("heapUsed"));
        }
      }
      case "jdk.CPUTimeSample" -> {
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || st.getFrames().isEmpty()) {
          return;
        }
        cpuSamples++;
        RecordedThread t = e.getThread("eventThread");
        threads.merge(threadName(t), 1L, Long::sum);
        List<RecordedFrame> frames = st.getFrames();
        RecordedMethod m = frames.get(0).getMethod();
        self.merge(name(m), 1L, Long::sum);
        selfPackage.merge(packageOf(m), 1L, Long::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame fr : frames) {
          String n = name(fr.getMethod());
          if (seen.add(n)) {
            inclusive.merge(n, 1L, Long::sum);
          }
        }
      }
      case "jdk.ExecutionSample" -> {
        RecordedStackTrace st = e.getStackTrace();
        if (st != null && !st.getFrames().isEmpty()) {
          executionSamples++;
          executionSelf.merge(name(st.getFrames().get(0).getMethod()), 1L, Long::sum);
        }
      }
      default -> { }
    }
  }

  private static String threadName(RecordedThread t) {
    if (t == null) {
      return "?";
    }
    String n = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
    return n == null ? "?" : n.replaceAll("\\d+", "N"); // one line per thread family
  }

  private static String site(RecordedStackTrace st) {
    if (st == null) {
      return "?";
    }
    for (RecordedFrame f : st.getFrames()) { // the first frame of ours or Netty's, past the JDK's
      String type = f.getMethod().getType().getName();
      if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
        return name(f.getMethod()) + ":" + f.getLineNumber();
      }
    }
    return st.getFrames().isEmpty() ? "?" : name(st.getFrames().get(0).getMethod());
  }

  private static String name(RecordedMethod m) {
    String type = m.getType().getName();
    return type.substring(type.lastIndexOf('.') + 1) + "." + m.getName();
  }

  private static String packageOf(RecordedMethod m) {
    String type = m.getType().getName();
    int dot = type.lastIndexOf('.');
    return dot < 0 ? "(default)" : type.substring(0, dot);
  }

  private void print(ResultLine r, int top) {
    double seconds = (endMs - startMs) / 1000.0;
    long bytes = 0;
    for (long[] a : allocated.values()) {
      if (a[2] != Long.MIN_VALUE) {
        bytes += a[3] - (a[0] == Long.MIN_VALUE ? 0 : a[1]);
      }
    }
    List<Long> p = new ArrayList<>(pausesNanos);
    p.sort(null);
    List<Long> h = new ArrayList<>(heapAfterGc);
    h.sort(null);
    System.out.printf(Locale.ROOT, "== %s %s, window %s .. %s (%.1f s), %.0f egress packets, loadavg %s%n", r.text("server"),
        r.text("load"), Instant.ofEpochMilli(startMs), Instant.ofEpochMilli(endMs), seconds, egressPackets,
        r.text("loadavg"));
    System.out.println(String.format(Locale.ROOT, "{\"load\":\"%s\",\"allocatedMB\":%.1f,\"allocationMBps\":%.2f,"
            + "\"allocatedBytesPerEgressPacket\":%.0f,\"sampledAllocationMBps\":%.2f,\"gcCycles\":%d,\"gcPauses\":%d,"
            + "\"pauseP50Ms\":%.3f,\"pauseP99Ms\":%.3f,\"pauseMaxMs\":%.3f,\"pauseTotalMs\":%.2f,"
            + "\"heapAfterGcMinMiB\":%.0f,\"heapAfterGcMaxMiB\":%.0f,\"heapUsedMinMiB\":%.0f,\"heapUsedMaxMiB\":%.0f,"
            + "\"heapCommittedMaxMiB\":%.0f,\"allocationStalls\":%d,\"cpuSamples\":%d,\"cpuSamplesLost\":%d,"
            + "\"executionSamples\":%d}",
        r.text("load"), bytes / 1e6, bytes / 1e6 / seconds, egressPackets > 0 ? bytes / egressPackets : Double.NaN,
        sampledAllocation / 1e6 / seconds, gcIds.size(), p.size(), ms(quantile(p, 0.5)), ms(quantile(p, 0.99)),
        ms(p.isEmpty() ? 0 : p.get(p.size() - 1)), ms(p.stream().mapToLong(Long::longValue).sum()),
        h.isEmpty() ? Double.NaN : h.get(0) / 1048576.0, h.isEmpty() ? Double.NaN : h.get(h.size() - 1) / 1048576.0,
        heapUsedMax == 0 ? Double.NaN : heapUsedMin / 1048576.0, heapUsedMax == 0 ? Double.NaN : heapUsedMax / 1048576.0,
        heapCommitted / 1048576.0, allocationStalls, cpuSamples, lostCpuSamples, executionSamples)
        .replace("NaN", "null"));
    table("allocation sites (sampled bytes, share)", allocationSites, sampledAllocation, top);
    if (cpuSamples > 0) {
      table("CPU time samples, by thread", threads, cpuSamples, top);
      table("CPU time samples, by package of the top frame", selfPackage, cpuSamples, top);
      table("CPU time samples, by top frame (self)", self, cpuSamples, top);
      table("CPU time samples, inclusive (method anywhere on the stack)", inclusive, cpuSamples, top);
    } else {
      table("execution samples (Java code only), by top frame", executionSelf, executionSamples, top);
    }
  }

  private static long quantile(List<Long> sorted, double q) {
    return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static void table(String title, Map<String, Long> counts, long total, int top) {
    System.out.printf(Locale.ROOT, "-- %s, %d in all%n", title, total);
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(top)
        .forEach(en -> System.out.printf(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * en.getValue() / Math.max(1, total),
            en.getKey()));
  }
}
