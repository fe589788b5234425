package e2kd.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import e2kd.Close;
import e2kd.distill.Distiller;
import e2kd.distill.Objective;
import e2kd.nn.Model;
import e2kd.nn.Taps;
import e2kd.nn.models.ResNet;
import e2kd.train.DistillStep;
import e2kd.train.StepResult;
import e2kd.train.optim.Optimizer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Matches one e²KD training step of e2kd's GradCAM route against ground truth computed by the authors' own code in
 * float64 (src/test/resources/authors-gradcam/README.md): standard ResNet-34 teacher, ResNet-18 student, torchvision
 * layout at base width 4, 64 px, GradCAM at layer4. The step goes through {@link DistillStep} and
 * {@link Distiller} as training does; the explainers are wrapped only to record what they return.
 * Tolerances as in {@link AuthorsFixtureTest}.
 */
class AuthorsGradCamFixtureTest {
    private static final Map<String, String> OPTIONS = Map.of("stem", "imagenet", "base", "4");
    private final AuthorsFixture fixture = new AuthorsFixture("authors-gradcam");

    @AfterEach
    void close() {
        fixture.close();
    }

    /** Records the last explanation an explainer returned. */
    private static final class Recorded implements Explainer {
        private final Explainer inner;
        private final NDManager copies = NDManager.newBaseManager();
        private Explained last;

        Recorded(Explainer inner) {
            this.inner = inner;
        }

        /** Keeps detached copies: the step closes its intermediates before it returns. */
        @Override
        public Explained explain(NDArray x, ClassChoice choice, Taps taps) {
            Explained e = inner.explain(x, choice, taps);
            last = new Explained(kept(e.logits()), kept(e.classes()), kept(e.map()));
            return e;
        }

        private NDArray kept(NDArray a) {
            NDArray copy = a.stopGradient().duplicate();
            copy.attach(copies);
            return copy;
        }

        @Override
        public String name() {
            return inner.name();
        }
    }

    /** Takes no step: the gradients stay on the parameters for the comparison. */
    /** The one place that builds the training step (adapt here when the Distiller / Objective constructors change). */
    private static DistillStep step(
            Model teacher,
            Explainer teacherExplainer,
            Model student,
            Explainer studentExplainer,
            double tau,
            double lambda,
            Optimizer optimizer) {
        Distiller distiller =
                new Distiller(teacher, teacherExplainer, student, studentExplainer, Objective.e2kd(tau, lambda));
        return new DistillStep(distiller, student, optimizer);
    }

    @Test
    void oneE2kdStepMatchesMapsLossGradientsAndBuffers() {
        ResNet teacher = fixture.model(ResNet.class, "resnet34", OPTIONS, "teacher.npz");
        ResNet student = fixture.model(ResNet.class, "resnet18", OPTIONS, "student.npz");
        student.setTraining(true);
        JsonNode expected = fixture.loss();
        Recorded teacherCam = new Recorded(GradCam.lastStage(teacher));
        Recorded studentCam = new Recorded(GradCam.lastStage(student));
        GradientCapture optimizer = new GradientCapture(fixture.manager());
        DistillStep step = step(
                teacher,
                teacherCam,
                student,
                studentCam,
                expected.get("tau").asDouble(),
                expected.get("lam").asDouble(),
                optimizer);

        StepResult r = step.run(fixture.npy("x.npy"), null, 0, 0.1);

        assertFalse(r.skipped(), "step skipped");
        assertEquals(1, optimizer.steps(), "optimizer steps");
        assertNotNull(teacherCam.last, "teacher explained");
        assertNotNull(studentCam.last, "student explained");
        Close.absolute(studentCam.last.logits(), fixture.npy("student_train_logits.npy"), 1e-9, "student logits");
        // GradCAM maps are (B, H, W) here, (B, 1, H, W) in the fixture
        Close.absolute(
                teacherCam.last.map().expandDims(1), fixture.npy("teacher_train_expl.npy"), 1e-9, "teacher GradCAM");
        Close.absolute(
                studentCam.last.map().expandDims(1), fixture.npy("student_train_expl.npy"), 1e-9, "student GradCAM");
        assertEquals(expected.get("loss").asDouble(), r.total(), 1e-9, "loss");
        assertEquals(expected.get("kd").asDouble(), r.part("kd"), 1e-9, "kd");
        assertEquals(expected.get("exp").asDouble(), r.part("explanation"), 1e-9, "exp");

        assertEquals(62, student.parameters().size(), "parameters");
        fixture.assertGradients(optimizer.gradients, 1e-7);
        // libtorch computes the batch variance by Welford's method, e2kd by a two-pass sum (DJL exposes no
        // variance op), so running_var (and running_mean) may differ in the last bits.
        fixture.assertBuffers(student, key -> key.endsWith("num_batches_tracked") ? 0 : 4e-15);
    }
}
