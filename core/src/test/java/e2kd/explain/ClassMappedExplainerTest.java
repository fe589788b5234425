package e2kd.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.nn.CamModel;
import e2kd.nn.ClassMappedModel;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Autograd;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A class-mapped teacher: its logits are the inner model's columns in map order, its top-1 is taken among them, and
 * its explanation is the inner model's for the corresponding inner class (GradCAM, float64).
 */
class ClassMappedExplainerTest {
    @Test
    void logitsTopOneAndMapFollowTheClassMap() {
        try (NDManager m = NDManager.newBaseManager()) {
            Model inner = Models.create("resnet18", 6, Map.of("stem", "small", "base", "4"), m);
            inner.toFloatType(DataType.FLOAT64);
            int[] map = {5, 0, 3};
            ClassMappedModel mapped = new ClassMappedModel(inner, map);
            NDArray x = m.randomNormal(new Shape(4, 3, 16, 16)).toType(DataType.FLOAT64, false);
            NDArray all = Autograd.noGrad(() -> inner.forward(x));
            NDArray expected = all.get(":, 5")
                    .stack(all.get(":, 0"), 1)
                    .concat(all.get(":, 3").expandDims(1), 1);
            Explained e = Autograd.recording(() -> new ClassMappedExplainer(GradCam.lastStage((CamModel) inner), mapped)
                    .explain(x, ClassChoice.top1()));
            Close.absolute(e.logits(), expected, 0, "mapped logits");
            assertArrayEquals(expected.argMax(1).toLongArray(), e.classes().toLongArray(), "top-1 among the mapped");
            long[] innerClasses = new long[4];
            for (int i = 0; i < 4; i++) {
                innerClasses[i] = map[(int) e.classes().getLong(i)];
            }
            Explained direct = Autograd.recording(
                    () -> GradCam.lastStage((CamModel) inner).explain(x, ClassChoice.fixed(m.create(innerClasses))));
            Close.absolute(e.map(), direct.map(), 0, "the inner class's GradCAM");
            assertEquals(3, mapped.spec().numClasses());
        }
    }
}
