package e2kd.nn.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.io.DType;
import e2kd.io.StateDict;
import e2kd.io.TensorData;
import e2kd.nn.Module;
import java.util.LinkedHashMap;
import java.util.Map;

/** Conversions between io's plain {@link StateDict} (what .pth files hold) and a module's NDArrays. */
public final class StateDicts {
    private StateDicts() {}

    /**
     * The tensors as arrays owned by {@code manager}, in order: float64 stays float64, the other floating types
     * (float32, float16, bfloat16) become float32 exactly, integers and bool become int64.
     */
    public static Map<String, NDArray> toArrays(StateDict stateDict, NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : stateDict) {
            TensorData t = e.getValue();
            Shape shape = new Shape(t.shape());
            NDArray a;
            if (t.dtype() == DType.FLOAT64) {
                a = manager.create(t.toDoubleArray(), shape);
            } else if (t.dtype().isFloatingPoint()) {
                a = manager.create(t.toFloatArray(), shape);
            } else {
                a = manager.create(t.toLongArray(), shape);
            }
            out.put(e.getKey(), a);
        }
        return out;
    }

    /**
     * A module's parameters and buffers in {@code state_dict()} order as plain tensors (for {@code PthWriter}):
     * float32 / float64 arrays keep their type, integer buffers ({@code num_batches_tracked}) are int64 with their
     * shape (a 0-d scalar, as PyTorch stores it).
     */
    public static StateDict of(Module module) {
        StateDict out = new StateDict();
        for (Map.Entry<String, NDArray> e : module.stateDict().entrySet()) {
            NDArray a = e.getValue();
            long[] shape = a.getShape().getShape();
            DataType type = a.getDataType();
            TensorData t;
            if (type == DataType.FLOAT64) {
                t = TensorData.ofDoubles(shape, a.toDoubleArray());
            } else if (type.isFloating()) {
                t = TensorData.ofFloats(shape, a.toType(DataType.FLOAT32, false).toFloatArray());
            } else {
                t = TensorData.ofLongs(shape, a.toType(DataType.INT64, false).toLongArray());
            }
            out.put(e.getKey(), t);
        }
        return out;
    }
}
