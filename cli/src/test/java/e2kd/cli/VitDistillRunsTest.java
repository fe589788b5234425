package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.io.PthReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through {@link Main#run}: a tiny CNN teacher from labels, then ViT students by KD and e²KD, for both
 * families (B-cos ResNet → B-cos ViT with W(x); ResNet → ViT with GradCAM), the B-cos student's eval with
 * shift-consistency, and its export.
 */
class VitDistillRunsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VIT_OPTIONS = "model_options=patch=4,dim=16,depth=1,heads=2,mlp=16,image=28";

    @TempDir
    Path tmp;

    @Test
    void bcosResNetTeacherDistillsIntoABcosVitWithKdAndE2kdAndExports() throws IOException {
        Path teacher = distillBoth("bcos_resnet18", "bcos_vit_ti");
        JsonNode shifts = JSON.readTree(Cli.stdout(
                        "eval", teacher.resolveSibling("student-e2kd").toString(), "--teacher", teacher.toString()))
                .path("shift_consistency");
        assertEquals(4, shifts.path("patch").asInt(), "the student's patch: " + shifts);
        assertEquals(15, shifts.path("per_shift").size(), "p² − 1 shifts");
        for (String model : List.of("student", "teacher")) {
            double c = shifts.path(model).asDouble(Double.NaN);
            assertTrue(c >= -1 && c <= 1, model + " " + shifts);
        }
        Path pth = tmp.resolve("student.pth");
        assertEquals(
                0, Main.run("export", teacher.resolveSibling("student-e2kd").toString(), "--out", pth.toString()));
        assertTrue(
                PthReader.read(pth).keys().contains("0.transformer.encoder_0.attn.to_qkv.weight"),
                "the authors' keys, 0. prefix included");
    }

    @Test
    void resNetTeacherDistillsIntoAStandardVitWithKdAndE2kd() throws IOException {
        distillBoth("resnet18", "vit_ti");
    }

    /** Trains the teacher for an epoch, then a KD and an e²KD student; returns the teacher's run directory. */
    private Path distillBoth(String teacherModel, String studentModel) throws IOException {
        Path teacher = tmp.resolve("teacher");
        assertEquals(0, Main.run(Cli.args(new String[] {"train", "--out", teacher.toString()}, Cli.TINY, new String[] {
            "--set", "model=" + teacherModel, "--set", "epochs=1"
        })));
        for (String method : List.of("kd", "e2kd")) {
            Path out = tmp.resolve("student-" + method);
            assertEquals(
                    0,
                    Main.run(Cli.args(
                            new String[] {
                                "distill", "--out", out.toString(), "--teacher", teacher.toString(), "--method", method
                            },
                            Cli.TINY,
                            new String[] {"--set", "model=" + studentModel, "--set", VIT_OPTIONS, "--set", "epochs=1"
                            })));
            JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
            double agreement = s.path("agreement").asDouble(-1);
            double similarity = s.path("explanation_similarity").asDouble(-2);
            assertTrue(agreement >= 0 && agreement <= 1, "agreement " + s);
            assertTrue(similarity >= -1 && similarity <= 1, "similarity " + s);
            JsonNode first = JSON.readTree(
                    Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
            assertEquals(method.equals("kd"), first.path("loss_explanation").isNull(), first.toString());
            assertTrue(Double.isFinite(first.path("loss").asDouble(Double.NaN)), first.toString());
        }
        return teacher;
    }
}
