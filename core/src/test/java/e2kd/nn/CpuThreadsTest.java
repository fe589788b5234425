package e2kd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The free-CPU rule of scripts/free_cores.sh, on hand-made /proc snapshots. */
class CpuThreadsTest {
    private static final List<String> STATUS = List.of("Name:\tjava", "Cpus_allowed_list:\t0-1,3");

    @Test
    void readsTheAllowedList() {
        BitSet expected = new BitSet();
        expected.set(0, 2);
        expected.set(3);
        assertEquals(expected, CpuThreads.allowedCpus(STATUS));
    }

    /**
     * Three allowed CPUs over one window: cpu0 fully busy (100 of 100 ticks in user), cpu1 idle, cpu3 busy 40 % (in
     * system and softirq), cpu2 (not allowed) busy; busy = 3 · (1 − 160/300) = 1.4 CPUs, rounded to 1: 2 free.
     */
    @Test
    void subtractsOtherWorkRoundedToWholeCpus() {
        List<String> before = List.of(
                "cpu  0 0 0 0 0 0 0 0 0 0",
                "cpu0 10 0 0 0 0 0 0 0 0 0",
                "cpu1 0 0 0 50 0 0 0 0 0 0",
                "cpu2 0 0 0 0 0 0 0 0 0 0",
                "cpu3 0 0 0 20 5 0 0 0 0 0",
                "intr 1 2 3");
        List<String> after = List.of(
                "cpu  0 0 0 0 0 0 0 0 0 0",
                "cpu0 110 0 0 0 0 0 0 0 0 0",
                "cpu1 0 0 0 150 0 0 0 0 0 0",
                "cpu2 100 0 0 0 0 0 0 0 0 0",
                "cpu3 0 0 30 70 15 0 10 0 0 0",
                "intr 1 2 3");
        assertEquals(2, CpuThreads.freeCpus(CpuThreads.allowedCpus(STATUS), before, after));
    }

    /** Half a CPU's worth of use takes a CPU; never fewer than one thread. */
    @Test
    void halfACpuTakesOneAndOneIsTheLeast() {
        List<String> status = List.of("Cpus_allowed_list:\t0-1");
        BitSet two = CpuThreads.allowedCpus(status);
        List<String> zero = List.of("cpu0 0 0 0 0 0 0 0 0", "cpu1 0 0 0 0 0 0 0 0");
        assertEquals(1, CpuThreads.freeCpus(two, zero, List.of("cpu0 50 0 0 50 0 0 0 0", "cpu1 0 0 0 100 0 0 0 0")));
        assertEquals(2, CpuThreads.freeCpus(two, zero, List.of("cpu0 49 0 0 51 0 0 0 0", "cpu1 0 0 0 100 0 0 0 0")));
        assertEquals(1, CpuThreads.freeCpus(two, zero, List.of("cpu0 100 0 0 0 0 0 0 0", "cpu1 100 0 0 0 0 0 0 0")));
    }
}
