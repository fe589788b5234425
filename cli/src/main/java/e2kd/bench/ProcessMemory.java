package e2kd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's memory as Linux reports it in /proc/self/status. */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** Resident set size now (VmRSS), KiB; −1 where unavailable. */
    public static long rssKiB() {
        return statusKiB("VmRSS:");
    }

    /** Peak resident set size since the process started (VmHWM), KiB; −1 where unavailable. */
    public static long peakRssKiB() {
        return statusKiB("VmHWM:");
    }

    private static long statusKiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
