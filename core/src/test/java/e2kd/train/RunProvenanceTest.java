package e2kd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** summary.json records what produced it, each field checked against an independent source. */
class RunProvenanceTest {
    @TempDir
    Path tmp;

    @Test
    void summaryRecordsVersionsCommitDeviceThreadsAndCpu() throws Exception {
        RunDirectory run = new RunDirectory(tmp);
        ObjectMapper json = new ObjectMapper();
        run.writeSummary(json.createObjectNode().put("top1", 0.5));
        JsonNode p = json.readTree(run.summary().toFile()).get("provenance");
        Properties engine = new Properties();
        try (InputStream in = JniUtils.class.getResourceAsStream("/pytorch-engine.properties")) {
            engine.load(in);
        }
        assertEquals(engine.getProperty("djl_version"), p.get("djl_version").asText());
        assertEquals(
                engine.getProperty("pytorch_version"), p.get("libtorch_version").asText());
        String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        assertTrue(pom.contains("<version>" + p.get("e2kd_version").asText() + "</version>"), p.toString());
        assertEquals("cpu()", p.get("device").asText());
        assertEquals(JniUtils.getNumThreads(), p.get("threads").asInt());
        assertFalse(p.get("cpu_model").asText().isBlank());
        assertEquals(Runtime.getRuntime().availableProcessors(), p.get("cpus").asInt());
        String head = gitHead();
        if (head != null) {
            assertEquals(head, p.get("git_commit").asText());
        }
        // a summary that already carries provenance (a copied one) keeps it
        run.writeSummary(json.createObjectNode()
                .set("provenance", json.createObjectNode().put("e2kd_version", "x")));
        assertEquals(
                "x",
                json.readTree(run.summary().toFile())
                        .at("/provenance/e2kd_version")
                        .asText());
    }

    private static String gitHead() throws Exception {
        Process git;
        try {
            git = new ProcessBuilder("git", "rev-parse", "HEAD")
                    .redirectErrorStream(true)
                    .start();
        } catch (java.io.IOException noGit) {
            return null;
        }
        assertTrue(git.waitFor(30, TimeUnit.SECONDS));
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return git.exitValue() == 0 ? out : null;
    }
}
