package e2kd.distill;

import ai.djl.ndarray.NDArray;
import e2kd.nn.Module;
import java.util.Optional;

/**
 * One named term of a distillation objective (torchdistill's criterion): it reads what it declared in
 * {@link #needs()} from the student's and the teacher's outputs of a step and returns a scalar. A criterion may own
 * trainable parameters and state (connectors, embeddings, memory banks) as a {@link Module}: its parameters join the
 * optimiser, its state dict is saved in the run's last checkpoint and restored on resume, and it is never exported
 * with the student. Register a new criterion with a {@link CriterionFactory} in {@link Criteria}.
 */
public interface Criterion {
    /** What {@link #compute} reads. */
    Needs needs();

    /** Whether the term takes part in step {@code step} (0-based); an inactive term is not computed at all. */
    default boolean activeAt(long step) {
        return true;
    }

    /** The term's value, a scalar recorded for backprop. */
    NDArray compute(CriterionInput in);

    /** The criterion's own parameters and buffers, if it has any. */
    default Optional<Module> module() {
        return Optional.empty();
    }
}
