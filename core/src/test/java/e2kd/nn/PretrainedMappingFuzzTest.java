package e2kd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import e2kd.io.StateDict;
import e2kd.io.TensorData;
import e2kd.nn.weights.Pretrained;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the state-dict mapping (the paths {@link Pretrained} adds after the reader): random key sets
 * from the names it inspects (classifier weights for the class count, stem and dense convs for options, legacy
 * DenseNet keys, counters) with random ranks and sizes, including zero-sized and 0-d tensors. Every case ends in a
 * one-line {@link IllegalArgumentException} (no other exception, no crash): a few keys never make a whole model.
 */
class PretrainedMappingFuzzTest {
    private static final int CASES = 150;
    private static final long SEED = 0xE2CD_0006L;
    private static final List<String> KEYS = List.of(
            "fc.weight",
            "fc.linear.weight",
            "classifier.weight",
            "classifier.linear.weight",
            "fc.bias",
            "conv1.weight",
            "conv1.linear.weight",
            "features.conv0.weight",
            "features.denseblock1.denselayer1.conv2.weight",
            "features.denseblock1.denselayer1.norm.1.weight",
            "features.denseblock1.denselayer1.norm1.weight",
            "bn1.num_batches_tracked",
            "module.fc.weight");
    private static final List<String> IDS = List.of("resnet18", "bcos_resnet18", "densenet121", "bcos_densenet121");

    @Test
    void randomStateDictsEndInAModelOrAOneLineError() {
        Random random = new Random(SEED);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < CASES; i++) {
                StateDict sd = new StateDict();
                int n = 1 + random.nextInt(4);
                for (int k = 0; k < n; k++) {
                    long[] shape = new long[random.nextInt(5)];
                    for (int d = 0; d < shape.length; d++) {
                        shape[d] = random.nextInt(4) == 0 ? random.nextInt(3) : 1 + random.nextInt(6);
                    }
                    sd.put(KEYS.get(random.nextInt(KEYS.size())), zeros(shape));
                }
                String id = IDS.get(random.nextInt(IDS.size()));
                Map<String, String> tiny =
                        id.contains("dense") ? Map.of("base", "2", "growth", "1") : Map.of("base", "2");
                String where = "case " + i + " (" + id + ", " + sd.keys() + ", seed " + SEED + ")";
                try (NDManager scope = m.newSubManager()) {
                    String msg = assertThrows(
                                    IllegalArgumentException.class, () -> Pretrained.build(sd, id, tiny, scope), where)
                            .getMessage();
                    assertEquals(1, msg.lines().count(), where + ": " + msg);
                }
            }
        }
    }

    private static TensorData zeros(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return TensorData.of(e2kd.io.DType.FLOAT32, shape, ByteBuffer.allocate((int) n * 4));
    }
}
