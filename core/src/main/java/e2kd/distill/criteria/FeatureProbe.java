package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.Devices;
import e2kd.nn.Model;
import e2kd.nn.Taps;
import e2kd.nn.ops.Autograd;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What feature criteria learn about a network before training: which tap is a stage's pre-activation feature and
 * how many channels named features have, from one forward of a small constant input (the model's minimum input
 * size, batch 1, in the parameters' type) in eval mode without a graph, so that no running statistic changes.
 */
final class FeatureProbe {
    /** Stages of the standard and B-cos ResNets and DenseNets. */
    static final int STAGES = 4;
    /** The tap of the globally pooled last stage, (B, K). */
    static final String POOLED = "pooled";

    private FeatureProbe() {}

    /**
     * Stage {@code k}'s (1-based) feature before its final activation: {@code layerK.pre} where the model has that
     * tap (standard ResNets; DenseNets for the last stage, whose layer1..3 are already the blocks' un-normalised
     * outputs), else {@code layerK} (B-cos networks have no ReLU).
     */
    static String stage(Model model, int k) {
        String pre = "layer" + k + ".pre";
        return model.tapNames().contains(pre) ? pre : "layer" + k;
    }

    /** {@link #stage} for k = 1..4. */
    static List<String> stages(Model model) {
        return java.util.stream.IntStream.rangeClosed(1, STAGES)
                .mapToObj(k -> stage(model, k))
                .toList();
    }

    /** Channels (dimension 1) of each named feature, in the order given. */
    static Map<String, Long> channels(Model model, List<String> names) {
        boolean training = model.isTraining();
        model.setTraining(false);
        try (NDManager scope = Devices.newManager()) {
            int side = model.minimumInputSize();
            int in = model.spec().options().inChannels();
            Taps taps = Taps.capture(Set.copyOf(names));
            DataType type = model.parameters().values().iterator().next().getDataType();
            NDArray x = scope.full(new Shape(1, in, side, side), 0.5f).toType(type, false);
            Autograd.noGrad(() -> model.forward(x, taps));
            Map<String, Long> out = new LinkedHashMap<>();
            for (String name : names) {
                NDArray f = taps.features().get(name);
                out.put(name, f.getShape().get(1));
            }
            return out;
        } finally {
            model.setTraining(training);
        }
    }
}
