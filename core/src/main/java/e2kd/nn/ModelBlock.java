package e2kd.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * A DJL {@link ai.djl.nn.Block} view of a {@link Model}, so e2kd models plug into DJL's {@code Model},
 * {@code Predictor} and {@code Trainer}. The block's parameters are the model's state-dict entries under their
 * PyTorch keys ({@code layer1.0.conv1.linear.weight}, {@code bn1.running_var}, ...): trainable parameters with
 * gradients, buffers without. They share the model's arrays, so a view taken after
 * {@link Module#toFloatType} or {@link Module#loadStateDict} sees the new weights; take a new view after such calls.
 *
 * <p>Shapes: input (B, inChannels, H, W) → logits (B, numClasses). DJL's {@code training} flag selects batch
 * statistics (training) or running statistics (inference) in the norms, like {@code nn.Module.train()}.
 */
public final class ModelBlock extends AbstractBlock {
    private final Model model;

    public ModelBlock(Model model) {
        this.model = model;
        Map<String, ai.djl.ndarray.NDArray> parameters = model.parameters();
        model.stateDict()
                .forEach((key, array) -> addParameter(Parameter.builder()
                        .setName(key)
                        .setType(Parameter.Type.OTHER)
                        .optArray(array)
                        .optRequiresGrad(parameters.containsKey(key))
                        .build()));
    }

    public Model model() {
        return model;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        model.setTraining(training);
        return new NDList(model.forward(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), model.spec().numClasses())};
    }

    /** The weights already exist; only validates the input shape (DJL calls this before the first forward). */
    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        if (inputShapes.length != 1
                || inputShapes[0].dimension() != 4
                || inputShapes[0].get(1) != model.spec().options().inChannels()) {
            throw new IllegalArgumentException("model " + model.spec().id() + " expects one input (B, "
                    + model.spec().options().inChannels() + ", H, W), got " + java.util.Arrays.toString(inputShapes));
        }
    }
}
