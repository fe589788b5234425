package e2kd.nn;

import ai.djl.ndarray.NDArray;

/** A block of a standard (non-B-cos) network: a plain forward. */
public interface Layer {
    NDArray forward(NDArray x);
}
