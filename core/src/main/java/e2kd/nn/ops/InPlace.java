package e2kd.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.List;

/** Writing values into an existing array (loaded weights, merged replica buffers, restored statistics). */
public final class InPlace {
    private InPlace() {}

    /**
     * Copies {@code values} (the target's shape, any device and type) into {@code target} through libtorch's
     * {@code index_put_} over the whole array: the target keeps its storage, strides (a channels-last weight stays
     * channels-last), device and autograd identity. DJL's {@code set(Buffer)} instead gives the target a new,
     * contiguous storage that aliases a Java buffer (and its libtorch guard prints a deprecation warning).
     */
    public static void copy(NDArray values, NDArray target) {
        Autograd.noGrad(() -> Scopes.keepingOnly(
                List.of(values),
                () -> {
                    // index_put_ needs at least one index: a scalar is written through a one-element view of it.
                    NDArray into = target.getShape().dimension() == 0 ? target.reshape(1) : target;
                    NDArray placed = values.toDevice(target.getDevice(), false)
                            .toType(target.getDataType(), false)
                            .reshape(into.getShape());
                    long[] end = into.getShape().getShape();
                    long[] step = new long[end.length];
                    Arrays.fill(step, 1);
                    JniUtils.indexSet((PtNDArray) into, (PtNDArray) placed, new long[end.length], end, step);
                    if (into != target) {
                        into.close();
                    }
                    return null;
                },
                nothing -> List.of()));
    }
}
