package e2kd.io;

import java.nio.file.Path;
import java.util.Map;

/**
 * Reads the tensors of a {@code torch.save} file (zip format, PyTorch 1.6 and later) without running any Python or
 * instantiating any class named by the file: the pickle is interpreted by {@link SafeUnpickler}, which accepts what
 * {@code torch.load(weights_only=True)} accepts for state dicts.
 *
 * <p>The saved object must be a dict. If it has a {@code "state_dict"} or else a {@code "model"} entry that is a dict,
 * that inner dict is used (training checkpoints); its tensor values become the result in file order and its other
 * values (epoch counters, optimizer state, ...) are ignored. A {@code "module."} prefix ({@code DataParallel}) is
 * removed from the keys. Every problem ends in an {@link E2kdIoException} naming the file.
 */
public final class PthReader {
    /** Non-contiguous views may expand to this many bytes beyond twice the file size. */
    private static final long COPY_SLACK = 64L << 20;

    private PthReader() {}

    public static StateDict read(Path file) {
        try (TorchArchive archive = TorchArchive.open(file)) {
            StridedTensors tensors = new StridedTensors(COPY_SLACK + 2 * archive.fileSize());
            Object top = new SafeUnpickler(archive.readPickle(), file, new TorchObjects(archive, tensors)).load();
            return stateDict(file, top);
        }
    }

    private static StateDict stateDict(Path file, Object top) {
        if (!(top instanceof Map<?, ?> dict)) {
            throw new E2kdIoException(
                    file,
                    "saved object has type " + TorchObjects.typeName(top)
                            + ", expected a dict of tensors (a state dict or a checkpoint holding one)");
        }
        for (String nested : new String[] {"state_dict", "model"}) {
            if (dict.get(nested) instanceof Map<?, ?> inner) {
                dict = inner;
                break;
            }
        }
        StateDict out = new StateDict();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (e.getKey() instanceof String key && e.getValue() instanceof TensorData t) {
                out.put(key, t);
            }
        }
        try {
            return out.stripPrefix("module.");
        } catch (IllegalArgumentException e) {
            throw new E2kdIoException(file, e.getMessage());
        }
    }
}
