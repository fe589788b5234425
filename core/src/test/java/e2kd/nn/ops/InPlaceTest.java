package e2kd.nn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class InPlaceTest {
    @Test
    void copyKeepsTheTargetsStridesAndIdentity() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray target =
                    ChannelsLast.of(m.randomNormal(new Shape(4, 3, 3, 3)), m).duplicate();
            target.setRequiresGradient(true);
            assertFalse(Layouts.isContiguous(target), "precondition: a channels-last array");
            NDArray values = m.randomNormal(new Shape(4, 3, 3, 3)).toType(DataType.FLOAT64, false);
            InPlace.copy(values, target);
            assertArrayEquals(values.toType(DataType.FLOAT32, false).toFloatArray(), target.toFloatArray());
            assertFalse(Layouts.isContiguous(target), "still channels-last");
            assertTrue(target.hasGradient(), "still a trainable leaf");
            assertEquals(DataType.FLOAT32, target.getDataType());
        }
    }

    @Test
    void copiesScalars() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray target = m.create(3L);
            InPlace.copy(m.create(7L), target);
            assertEquals(7L, target.getLong());
        }
    }
}
