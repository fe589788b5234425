package e2kd.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.explain.Explainers;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The teacher's pass leaves only its outputs in the step's manager, and the student's pass only its loss terms (and
 * what the criteria derive from the teacher's outputs), whatever the depth: intermediates are freed before the
 * backward, as PyTorch frees them (docs/PERFORMANCE.md, Memory).
 */
class StepScopeTest {
    private static final Map<String, String> TINY = Map.of("stem", "small", "base", "4");

    @Test
    void standardResNets() {
        assertOnlyOutputsStay("resnet34", "resnet18", "resnet50");
    }

    @Test
    void bcosResNets() {
        assertOnlyOutputsStay("bcos_resnet34", "bcos_resnet18", "bcos_resnet50");
    }

    private static void assertOnlyOutputsStay(String teacherId, String shallow, String deep) {
        int[] shallowCounts = arraysLeft(teacherId, shallow);
        int[] deepCounts = arraysLeft(teacherId, deep);
        assertEquals(shallowCounts[0], shallowCounts[1], teacherId + ": arrays left by teach() beyond its outputs");
        assertEquals(
                shallowCounts[2],
                deepCounts[2],
                "arrays left by the student's pass grow with its depth (" + shallow + " vs " + deep + ")");
    }

    /** {arrays teach() left, arrays its output holds, arrays loss() left}. */
    private static int[] arraysLeft(String teacherId, String studentId) {
        try (NDManager m = NDManager.newBaseManager()) {
            Model teacher = Models.create(teacherId, 5, TINY, m);
            Model student = Models.create(studentId, 5, TINY, m);
            student.setTraining(true);
            Distiller d = new Distiller(
                    teacher,
                    Explainers.create("auto", teacher),
                    student,
                    Explainers.create("auto", student),
                    Objective.e2kd(1, 1));
            try (NDManager step = m.newSubManager()) {
                NDArray rgb = step.randomUniform(0, 1, new Shape(2, 3, 16, 16));
                NDArray x = teacherId.startsWith("bcos") ? rgb.concat(rgb.neg().add(1), 1) : rgb;
                int start = step.getManagedArrays().size();
                TeacherOutput t = d.teach(x, 0);
                int afterTeach = step.getManagedArrays().size();
                Set<NDArray> held = Collections.newSetFromMap(new IdentityHashMap<>());
                held.addAll(t.arrays());
                d.loss(x, null, null, t, 0);
                return new int[] {
                    afterTeach - start, held.size(), step.getManagedArrays().size() - afterTeach
                };
            }
        }
    }
}
