package e2kd.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/** libtorch's view of an array's memory layout, which DJL's public API does not show (tests only). */
final class Layouts {
    private Layouts() {}

    /** libtorch's {@code is_contiguous()}: row-major strides. */
    static boolean isContiguous(NDArray a) {
        try {
            Class<?> library = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
            Field instance = library.getDeclaredField("LIB");
            instance.setAccessible(true);
            Method method = library.getDeclaredMethod("torchIsContiguous", long.class);
            method.setAccessible(true);
            return (boolean) method.invoke(instance.get(null), ((PtNDArray) a).getHandle());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
