package e2kd.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.Close;
import e2kd.Fixtures;
import e2kd.distill.Distiller;
import e2kd.distill.Objective;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Autograd;
import e2kd.train.DistillStep;
import e2kd.train.StepResult;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Matches the B-cos ViT against ground truth from the authors' own code in float64
 * (src/test/resources/authors-vit/README.md): the student alone in eval mode, and one e²KD step from the B-cos
 * ResNet-34 teacher of authors-bcos, run by the training step ({@link DistillStep}) itself.
 */
class AuthorsVitFixtureTest {
    private static final String DIR = "authors-vit/";
    private static final Map<String, String> MINIATURE =
            Map.of("patch", "4", "dim", "16", "depth", "2", "heads", "2", "mlp", "32", "image", "24");
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private Model load(String id, Map<String, String> options, String weights) {
        Model model = Models.create(id, 7, options, manager);
        model.toFloatType(DataType.FLOAT64);
        model.loadStateDict(Fixtures.npz(manager, weights));
        return model;
    }

    private Model student() {
        return load("bcos_vit_ti", MINIATURE, DIR + "student.npz");
    }

    private NDArray npy(String name) {
        return Fixtures.npy(manager, name);
    }

    @Test
    void studentLogitsAndExplanationInEvalMode() {
        Explainer explainer = Explainers.create("auto", student());
        Explained out = Autograd.noGrad(() -> explainer.explain(npy("authors-bcos/x.npy"), ClassChoice.top1()));
        Close.absolute(out.logits(), npy(DIR + "student_eval_logits.npy"), 1e-9, "logits");
        assertArrayEquals(
                npy(DIR + "student_eval_top1.npy").toLongArray(), out.classes().toLongArray(), "top-1");
        Close.absolute(out.map(), npy(DIR + "student_eval_expl.npy"), 1e-9, "W(x)");
    }

    @Test
    void oneE2kdTrainingStepMatchesLossPartsAndAllGradientsWithoutCreateGraph() throws IOException {
        Model teacher = load("bcos_resnet34", Map.of("stem", "small", "base", "4"), "authors-bcos/teacher.npz");
        Model student = student();
        student.setTraining(true);
        JsonNode expected = new ObjectMapper().readTree(getClass().getResourceAsStream("/" + DIR + "loss.json"));
        NDArray x = npy("authors-bcos/x.npy");
        Distiller distiller = new Distiller(
                teacher,
                Explainers.create("auto", teacher),
                student,
                Explainers.create("auto", student),
                Objective.e2kd(
                        expected.get("tau").asDouble(), expected.get("lam").asDouble()));

        Explained t = Autograd.noGrad(() -> Explainers.create("auto", teacher).explain(x, ClassChoice.top1()));
        Close.absolute(t.map(), npy(DIR + "teacher_train_expl.npy"), 1e-9, "teacher W(x)");
        Explained s =
                Autograd.noGrad(() -> Explainers.create("auto", student).explain(x, ClassChoice.fixed(t.classes())));
        Close.absolute(s.logits(), npy(DIR + "student_train_logits.npy"), 1e-9, "student logits");
        Close.absolute(s.map(), npy(DIR + "student_train_expl.npy"), 1e-9, "student W(x)");

        GradientCapture captured = new GradientCapture(manager);
        long createGraphBefore = Autograd.createGraphBackwards();
        StepResult step = new DistillStep(distiller, student, captured).run(x, null, 0, 0.0);
        assertEquals(createGraphBefore, Autograd.createGraphBackwards(), "create_graph backwards in the training step");
        assertEquals(expected.get("loss").asDouble(), step.total(), 1e-9, "loss");
        assertEquals(expected.get("kd").asDouble(), step.part("kd"), 1e-9, "kd");
        assertEquals(expected.get("exp").asDouble(), step.part("explanation"), 1e-9, "exp");

        Map<String, NDArray> grads = Fixtures.npz(manager, DIR + "student_grads.npz");
        assertEquals(15, grads.size());
        assertEquals(grads.keySet(), captured.gradients.keySet());
        for (Map.Entry<String, NDArray> e : grads.entrySet()) {
            Close.relative(captured.gradients.get(e.getKey()), e.getValue(), 1e-7, "gradient of " + e.getKey());
        }
    }
}
