package e2kd.nn;

import java.util.Map;

/**
 * The options of one architecture (e.g. {@link CnnOptions} for ResNets and DenseNets), parsed from and written back
 * to {@code key=value} strings, so checkpoints and configs carry them whatever the architecture.
 */
public interface ArchitectureOptions {
    /** Input channels the model takes. */
    int inChannels();

    /** The smallest input side (px) the model accepts. */
    int minimumInputSize();

    /** The options as {@code key=value} strings, every key present. */
    Map<String, String> asMap();
}
