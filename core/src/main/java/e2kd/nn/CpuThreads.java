package e2kd.nn;

import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * libtorch's intra-op thread count for a Java program that uses the library without setting it: matched to the CPUs
 * that are free when e2kd creates its first CPU manager (docs/PERFORMANCE.md, "Threading defaults"). libtorch's own
 * default is one thread per core and libgomp's waiting threads spin before they sleep, which on a core shared with
 * other work costs the step more than half its speed; one thread per free CPU never waits on a busy one. Nothing is
 * changed when {@code OMP_NUM_THREADS} is set (the {@code ./e2kd} launcher sets it the same way, before libgomp
 * loads, and also chooses the wait policy), when the system property {@code e2kd.matchThreads} is {@code false}, or
 * where /proc is missing. A later {@code threads: N} (or {@code --threads N}) still sets the count.
 *
 * <p>The same rule as {@code scripts/free_cores.sh}: the CPUs this process may run on (Cpus_allowed_list) minus the
 * other work's use of them over a short window of /proc/stat (user, nice, system, irq, softirq, steal; idle and
 * iowait count as free), a CPU counting as taken from half a CPU's worth of use, at least 1.
 */
public final class CpuThreads {
    private static final AtomicBoolean MATCHED = new AtomicBoolean();
    private static final long WINDOW_MILLIS = 300;

    private CpuThreads() {}

    /** Matches the thread count once per process, as the class comment says. */
    static void matchOnce() {
        if (!MATCHED.compareAndSet(false, true)
                || System.getenv("OMP_NUM_THREADS") != null
                || "false".equals(System.getProperty("e2kd.matchThreads"))) {
            return;
        }
        try {
            BitSet allowed = allowedCpus(Files.readAllLines(Path.of("/proc/self/status")));
            List<String> before = Files.readAllLines(Path.of("/proc/stat"));
            Thread.sleep(WINDOW_MILLIS);
            List<String> after = Files.readAllLines(Path.of("/proc/stat"));
            JniUtils.setNumThreads(freeCpus(allowed, before, after));
        } catch (IOException | RuntimeException e) {
            // no /proc (not Linux) or an unexpected format: libtorch's default stays
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The CPUs of the {@code Cpus_allowed_list:} line of /proc/self/status ("0-3,8"). */
    static BitSet allowedCpus(List<String> status) {
        String list = status.stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:"))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Cpus_allowed_list in /proc/self/status"))
                .substring("Cpus_allowed_list:".length())
                .trim();
        BitSet cpus = new BitSet();
        for (String part : list.split(",")) {
            String[] range = part.split("-");
            int from = Integer.parseInt(range[0].trim());
            int to = range.length == 2 ? Integer.parseInt(range[1].trim()) : from;
            cpus.set(from, to + 1);
        }
        return cpus;
    }

    /** max(1, allowed − round(busy)) from two /proc/stat snapshots, busy in CPUs' worth of non-idle time. */
    static int freeCpus(BitSet allowed, List<String> before, List<String> after) {
        long[] start = idleAndTotal(allowed, before);
        long[] end = idleAndTotal(allowed, after);
        long total = end[1] - start[1];
        double busy = total > 0 ? allowed.cardinality() * (1 - (double) (end[0] - start[0]) / total) : 0;
        return Math.max(1, allowed.cardinality() - (int) Math.floor(busy + 0.5));
    }

    /** {idle + iowait, user + … + steal} summed over the allowed CPUs' lines. */
    private static long[] idleAndTotal(BitSet allowed, List<String> stat) {
        long idle = 0;
        long total = 0;
        for (String line : stat) {
            String[] f = line.trim().split("\\s+");
            if (f[0].length() <= 3 || !f[0].startsWith("cpu") || !allowed.get(Integer.parseInt(f[0].substring(3)))) {
                continue;
            }
            idle += Long.parseLong(f[4]) + Long.parseLong(f[5]);
            for (int i = 1; i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
        }
        return new long[] {idle, total};
    }
}
