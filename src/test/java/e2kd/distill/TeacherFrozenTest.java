package e2kd.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.explain.BcosExplainer;
import e2kd.nn.BcosResNet;
import e2kd.nn.Models;
import e2kd.train.Adam;
import e2kd.train.DistillStep;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
            Distiller d = new Distiller(teacher, new BcosExplainer(teacher), student, new BcosExplainer(student),
                    new Objective(1, 1, 0, null), 1);
            try (NDManager step = m.newSubManager()) {
                NDArray rgb = step.randomUniform(0, 1, new Shape(4, 3, 16, 16));
                new DistillStep(d, student, new Adam(0, false)).run(rgb.concat(rgb.neg().add(1), 1), null, 0, 1e-3);
            }
            assertEquals(before, snapshot(teacher.stateDict()), "teacher state dict changed");
            assertNotEquals(studentBefore, snapshot(student.stateDict()), "the student should have been updated");
            teacher.parameters().forEach((name, p) -> assertFalse(p.hasGradient(), "teacher parameter " + name + " has a gradient"));
        }
    }

    private static Map<String, ByteBuffer> snapshot(Map<String, NDArray> state) {
        Map<String, ByteBuffer> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, ByteBuffer.wrap(v.toByteArray())));
        return out;
    }
}
