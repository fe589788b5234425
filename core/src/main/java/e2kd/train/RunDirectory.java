package e2kd.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.io.AtomicFiles;
import e2kd.io.E2kdIoException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A run's folder: {@code config.yaml} (resolved config), {@code metrics.jsonl} (one JSON object per evaluation),
 * {@code best.ckpt} / {@code last.ckpt} and, once finished, {@code summary.json}. Whole files are written atomically.
 */
public record RunDirectory(Path dir) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Path config() {
        return dir.resolve("config.yaml");
    }

    public Path metrics() {
        return dir.resolve("metrics.jsonl");
    }

    public Path best() {
        return dir.resolve("best.ckpt");
    }

    public Path last() {
        return dir.resolve("last.ckpt");
    }

    public Path summary() {
        return dir.resolve("summary.json");
    }

    /**
     * Takes the folder for this process before any work: creates it, fails when it cannot be written (a path through
     * a file, a read-only or full file system, missing permissions) or when another e2kd process holds it (two runs
     * writing one folder would interleave their metrics). The lock ends with the process, also on SIGKILL.
     *
     * @return the lock; close its channel ({@code acquiredBy()}) when the run ends
     */
    public java.nio.channels.FileLock lock() {
        Path file = dir.resolve(".lock");
        java.nio.channels.FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            java.nio.channels.FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new E2kdIoException(dir, "run directory is in use by another e2kd process");
            }
            return lock;
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            closeQuietly(channel);
            String reason = e instanceof java.nio.file.FileSystemException f && f.getReason() != null
                    ? f.getReason()
                    : e instanceof java.nio.file.FileAlreadyExistsException
                            ? "a path component is a file"
                            : e instanceof java.nio.channels.OverlappingFileLockException
                                    ? "already in use by this process"
                                    : E2kdIoException.reason(e);
            throw new E2kdIoException(dir, "cannot write run directory (" + reason + ")", e);
        }
    }

    private static void closeQuietly(java.nio.channels.FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one to report
            }
        }
    }

    /** Creates the folder and writes config.yaml. */
    public void start(TrainConfig config) {
        try {
            Files.createDirectories(dir);
            byte[] text = ConfigLoader.toYaml(config).getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(config(), out -> out.write(text));
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot start run directory: " + e.getMessage(), e);
        }
    }

    /** Appends one line to metrics.jsonl. */
    public void appendMetrics(JsonNode line) {
        try {
            Files.writeString(
                    metrics(),
                    JSON.writeValueAsString(line) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(metrics() + ": cannot append: " + e.getMessage(), e);
        }
    }

    /**
     * On resume from a checkpoint taken after epoch {@code epoch}: drops metrics lines of later epochs (written
     * before a kill that came ahead of the checkpoint) and a torn last line, so no epoch is reported twice.
     */
    public void trimMetrics(int epoch) {
        if (!Files.exists(metrics())) {
            return;
        }
        try {
            StringBuilder kept = new StringBuilder();
            for (String line : Files.readAllLines(metrics(), StandardCharsets.UTF_8)) {
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException torn) {
                    continue;
                }
                if (node != null && node.path("epoch").asInt(Integer.MAX_VALUE) <= epoch) {
                    kept.append(line).append('\n');
                }
            }
            byte[] text = kept.toString().getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(metrics(), out -> out.write(text));
        } catch (IOException e) {
            throw new UncheckedIOException(metrics() + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Writes summary.json, adding {@code provenance} ({@link RunProvenance#now()}) to an object that has none. */
    public void writeSummary(JsonNode summary) {
        if (summary instanceof com.fasterxml.jackson.databind.node.ObjectNode o && !o.has("provenance")) {
            o.set("provenance", RunProvenance.now());
        }
        try {
            byte[] text = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary);
            AtomicFiles.write(summary(), out -> out.write(text));
        } catch (IOException e) {
            throw new UncheckedIOException(summary() + ": cannot write: " + e.getMessage(), e);
        }
    }
}
