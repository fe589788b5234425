package e2kd.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What produced a result, as summary.json's {@code provenance} records it: {@code e2kd_version},
 * {@code git_commit} (the commit of the source tree the code was loaded from, when {@code git} can
 * tell; else null), {@code djl_version}, {@code libtorch_version}, {@code device} (the engine's
 * default device), {@code threads} (libtorch's intra-op threads now), {@code cpu_model}
 * ({@code /proc/cpuinfo}'s first {@code model name}, else {@code os.arch}), {@code cpus} and
 * {@code java_version}.
 */
public final class RunProvenance {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunProvenance() {}

    /** The provenance of what runs now; loads libtorch if it is not loaded. */
    public static ObjectNode now() {
        Engine engine = Engine.getInstance();
        ObjectNode p = JSON.createObjectNode();
        p.put("e2kd_version", e2kdVersion());
        p.put("git_commit", gitCommit());
        p.put("djl_version", Engine.getDjlVersion());
        p.put("libtorch_version", engine.getVersion());
        p.put("device", engine.defaultDevice().toString());
        p.put("threads", JniUtils.getNumThreads());
        p.put("cpu_model", cpuModel());
        p.put("cpus", Runtime.getRuntime().availableProcessors());
        p.put("java_version", System.getProperty("java.version"));
        return p;
    }

    /** The Maven project version the code was built as, or "unknown". */
    public static String e2kdVersion() {
        Properties p = new Properties();
        try (InputStream in = RunProvenance.class.getResourceAsStream("/e2kd-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** {@code git rev-parse HEAD} in the folder the classes were loaded from, or null. */
    static String gitCommit() {
        try {
            Path code = Path.of(RunProvenance.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            Path dir = Files.isDirectory(code) ? code : code.getParent();
            Process git = new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "HEAD")
                    .redirectErrorStream(true)
                    .start();
            git.getOutputStream().close();
            if (!git.waitFor(10, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return null;
            }
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (var lines = Files.lines(cpuinfo, StandardCharsets.UTF_8)) {
                String model = lines.filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).strip())
                        .findFirst()
                        .orElse(null);
                if (model != null) {
                    return model;
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // fall through to the architecture
            }
        }
        return System.getProperty("os.arch");
    }
}
