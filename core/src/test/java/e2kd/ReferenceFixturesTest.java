package e2kd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's PyTorch side, bench/pytorch_reference.py, restates the authors' route (B-cos W(x) by double
 * backprop through their dynamic-factor autograd function; GradCAM from the layer4 gradient). This runs its functions
 * through bench/reference_fixtures.py on the authors' own float64 results (src/test/resources/authors-bcos,
 * authors-gradcam and authors-vit, README.md in each) and requires every logit, map, loss part, parameter gradient and
 * norm buffer to match, so a comparison against a reference that drifted from the authors' code cannot go unnoticed.
 */
class ReferenceFixturesTest {
    /** Float64 end to end on one thread: the reference reproduces the fixtures to about 2e-16 (max |Δ|/max(1, |x|)). */
    private static final double TOLERANCE = 1e-10;

    @Test
    void referenceRoutesReproduceTheAuthorsFixtures() throws IOException, InterruptedException {
        Path bcos = Fixtures.path("authors-bcos");
        Path gradcam = Fixtures.path("authors-gradcam");
        Path vit = Fixtures.path("authors-vit");
        List<String> lines = run(bcos, gradcam, vit);
        String all = String.join("\n", lines);
        assumeFalse(
                all.contains(TorchPython.NO_TORCH) || all.contains("No module named 'torch'"),
                "no /usr/bin/python3 with torch and torchvision");
        assertTrue(lines.contains("done"), "the driver did not finish:\n" + all);

        Set<String> checked = new HashSet<>();
        List<String> failures = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f[0].equals("check") && f.length == 5) {
                checked.add(f[1] + " " + f[2]);
                double error = Double.parseDouble(f[3]);
                double scale = Math.max(1, Double.parseDouble(f[4]));
                if (!(error <= TOLERANCE * scale)) {
                    failures.add(line);
                }
            } else if (f[0].equals("exact") && f.length == 4) {
                checked.add(f[1] + " " + f[2]);
                if (!f[3].equals("same")) {
                    failures.add(line);
                }
            }
        }
        assertEquals(List.of(), failures, "quantities where the reference differs from the authors' results");

        Set<String> expected = new TreeSet<>();
        for (String q : List.of(
                "teacher_logits",
                "teacher_top1",
                "teacher_expl",
                "student_eval_logits",
                "student_eval_top1",
                "student_eval_expl")) {
            expected.add("authors-bcos " + q);
        }
        for (String q : List.of("student_eval_logits", "student_eval_top1", "student_eval_expl")) {
            expected.add("authors-vit " + q);
        }
        for (String fixture : List.of("authors-bcos", "authors-gradcam", "authors-vit")) {
            for (String q : List.of(
                    "student_train_logits",
                    "student_train_expl",
                    "teacher_train_expl",
                    "loss.kd",
                    "loss.exp",
                    "loss.total",
                    "gradient_names")) {
                expected.add(fixture + " " + q);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            for (String fixture : List.of("authors-bcos/", "authors-gradcam/", "authors-vit/")) {
                String name = fixture.contains("gradcam")
                        ? "authors-gradcam"
                        : fixture.contains("vit") ? "authors-vit" : "authors-bcos";
                Fixtures.npz(m, fixture + "student_grads.npz").keySet().forEach(k -> expected.add(name + " grad." + k));
                if (!name.equals("authors-vit")) { // the ViT has no norm buffers
                    Fixtures.npz(m, fixture + "student_after_step_buffers.npz")
                            .keySet()
                            .forEach(k -> expected.add(name + " buffer." + k));
                }
            }
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(checked);
        assertEquals(Set.of(), missing, "quantities the driver did not compare");
    }

    private static List<String> run(Path bcos, Path gradcam, Path vit) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                "/usr/bin/python3",
                "-W",
                "ignore",
                "bench/reference_fixtures.py",
                bcos.toString(),
                gradcam.toString(),
                vit.toString());
        Path out = Files.createTempFile("reference-fixtures", ".txt");
        try {
            pb.redirectErrorStream(true).redirectOutput(out.toFile());
            Process p;
            try {
                p = pb.start();
            } catch (IOException noPython) {
                return List.of(TorchPython.NO_TORCH);
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
