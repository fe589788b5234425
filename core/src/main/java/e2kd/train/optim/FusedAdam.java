package e2kd.train.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import e2kd.nn.Devices;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * libtorch's multi-tensor Adam kernel, {@code aten::_fused_adam_} (torch.optim.Adam with {@code fused=True}): one
 * pass over parameter, gradient and both moments per tensor, where DJL's {@code adamUpdate} makes about ten
 * (docs/PERFORMANCE.md, item 24). DJL's JNI has no call for that operator, so it runs through the TorchScript module
 * {@code fused_adam.pt} (written by scripts/make_fused_adam_module.py), which also checks what the kernel assumes:
 * gradient and moments share the parameter's strides, and the parameter is dense.
 */
final class FusedAdam {
    private static final String RESOURCE = "/e2kd/train/optim/fused_adam.pt";
    private static PtSymbolBlock module;

    private FusedAdam() {}

    /**
     * One Adam step (L2 weight decay added to the gradient, as torch.optim.Adam) of every {@code params[i]} with
     * gradient {@code grads[i]} and moments {@code firstMoments[i]}, {@code secondMoments[i]}, in place; {@code step}
     * counts from 1.
     */
    static void step(
            List<NDArray> params,
            List<NDArray> grads,
            List<NDArray> firstMoments,
            List<NDArray> secondMoments,
            long step,
            double lr,
            double beta1,
            double beta2,
            double weightDecay,
            double eps) {
        if (params.isEmpty()) {
            return;
        }
        try (NDManager scratch = params.get(0).getManager().newSubManager()) {
            // The kernel reads the step count from a tensor per parameter; one tensor serves them all.
            PtNDArray count = (PtNDArray) scratch.create((float) step);
            List<IValue> arguments = new ArrayList<>();
            try {
                arguments.add(list(params));
                arguments.add(list(grads));
                arguments.add(list(firstMoments));
                arguments.add(list(secondMoments));
                arguments.add(list(Collections.nCopies(params.size(), count)));
                for (double value : new double[] {lr, beta1, beta2, weightDecay, eps}) {
                    arguments.add(IValue.from(value));
                }
                module(params.get(0).getDevice())
                        .forward(arguments.toArray(IValue[]::new))
                        .close();
            } finally {
                arguments.forEach(IValue::close);
            }
        }
    }

    private static IValue list(List<? extends NDArray> arrays) {
        return IValue.listFrom(arrays.stream().map(a -> (PtNDArray) a).toArray(PtNDArray[]::new));
    }

    private static synchronized PtSymbolBlock module(Device device) {
        if (module == null) {
            try (InputStream in = FusedAdam.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the class path lacks " + RESOURCE);
                }
                // Held for the life of the JVM. The module has no tensors, only code, so the first caller's device
                // serves all.
                module = JniUtils.loadModule((PtNDManager) Devices.newManager(device), in, false, false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
        }
        return module;
    }
}
