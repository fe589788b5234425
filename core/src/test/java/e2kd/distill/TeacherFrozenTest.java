package e2kd.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.explain.BcosExplainer;
import e2kd.explain.InputXGradient;
import e2kd.nn.Model;
import e2kd.nn.models.BcosResNet;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Autograd;
import e2kd.train.DistillStep;
import e2kd.train.optim.Adam;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One e²KD step leaves the teacher bit-identical (parameters and all buffers) and gives it no gradient. */
class TeacherFrozenTest {
    @Test
    void teacherIsUntouchedByAStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, String> tiny = Map.of("stem", "small", "base", "4");
            BcosResNet teacher = (BcosResNet) Models.create("bcos_resnet34", 5, tiny, m);
            BcosResNet student = (BcosResNet) Models.create("bcos_resnet18", 5, tiny, m);
            student.setTraining(true);
            Map<String, ByteBuffer> before = snapshot(teacher.stateDict());
            Map<String, ByteBuffer> studentBefore = snapshot(student.stateDict());
            Distiller d = new Distiller(
                    teacher, new BcosExplainer(teacher), student, new BcosExplainer(student), Objective.e2kd(1, 1));
            try (NDManager step = m.newSubManager()) {
                NDArray rgb = step.randomUniform(0, 1, new Shape(4, 3, 16, 16));
                new DistillStep(d, student, new Adam(0, false))
                        .run(rgb.concat(rgb.neg().add(1), 1), null, 0, 1e-3);
            }
            assertEquals(before, snapshot(teacher.stateDict()), "teacher state dict changed");
            assertNotEquals(studentBefore, snapshot(student.stateDict()), "the student should have been updated");
            teacher.parameters()
                    .forEach(
                            (name, p) -> assertFalse(p.hasGradient(), "teacher parameter " + name + " has a gradient"));
        }
    }

    /**
     * Input×Gradient for a teacher under no-grad: the first-order input gradient is computed (graph enabled for that
     * alone), the teacher's parameters get no gradient, and the map equals x ⊙ ∂y_c/∂x by central differences.
     */
    @Test
    void ixgTeacherExplainsWithoutTouchingItsParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, String> tiny = Map.of("stem", "small", "base", "4");
            Model teacher = Models.create("resnet18", 5, tiny, m);
            Model student = Models.create("resnet18", 5, tiny, m);
            student.setTraining(true);
            Map<String, ByteBuffer> before = snapshot(teacher.stateDict());
            Distiller d = new Distiller(
                    teacher, new InputXGradient(teacher), student, new InputXGradient(student), Objective.e2kd(1, 1));
            try (NDManager step = m.newSubManager()) {
                NDArray x = step.randomUniform(-1, 1, new Shape(2, 3, 12, 12));
                TeacherOutput t = d.teach(x, 0);
                assertFalse(t.map().hasGradient() || t.logits().hasGradient());
                teacher.parameters().forEach((name, p) -> assertFalse(p.hasGradient(), "teacher parameter " + name));
                float[] map = t.map().toFloatArray();
                long c = t.explained().getLong(1);
                float h = 1e-2f;
                for (int index : new int[] {432 + 5, 432 + 144 + 77, 432 + 300}) {
                    float[] plus = x.toFloatArray();
                    float[] minus = x.toFloatArray();
                    plus[index] += h;
                    minus[index] -= h;
                    double yPlus = Autograd.noGrad(() -> teacher.forward(step.create(plus, x.getShape())))
                            .getFloat(1, c);
                    double yMinus = Autograd.noGrad(() -> teacher.forward(step.create(minus, x.getShape())))
                            .getFloat(1, c);
                    double expected = x.toFloatArray()[index] * (yPlus - yMinus) / (2 * h);
                    assertEquals(expected, map[index], 2e-3 + 2e-2 * Math.abs(expected), "IxG at " + index);
                }
                new DistillStep(d, student, new Adam(0, false)).run(x, null, 0, 1e-3);
            }
            assertEquals(before, snapshot(teacher.stateDict()), "teacher state dict changed");
            teacher.parameters()
                    .forEach(
                            (name, p) -> assertFalse(p.hasGradient(), "teacher parameter " + name + " has a gradient"));
        }
    }

    private static Map<String, ByteBuffer> snapshot(Map<String, NDArray> state) {
        Map<String, ByteBuffer> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, ByteBuffer.wrap(v.toByteArray())));
        return out;
    }
}
