package e2kd.train;

import ai.djl.ndarray.NDManager;
import e2kd.data.Encoding;
import e2kd.io.E2kdIoException;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.ModelCheckpoint;

import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a teacher from a run directory (its best.ckpt), a checkpoint file or a PyTorch file, checked against the data. */
final class Teachers {
    /** The teacher (eval mode, parameters frozen), its file, input contract and the matching encoding. */
    record Loaded(Model model, Path file, InputContract input, Encoding encoding) {}

    private Teachers() {}

    /**
     * @param path a run directory (its best.ckpt), an e2kd checkpoint, or a PyTorch state dict read into
     *             {@code config.teacherModel()} (options {@code teacher_model_options}, input size {@code image_size})
     * @throws E2kdIoException naming the file when it is missing, unreadable or its class count does not fit
     */
    static Loaded load(String path, TrainConfig config, int classes, NDManager manager) {
        if (path.isBlank()) {
            throw new IllegalArgumentException("a teacher is needed (--teacher RUN_DIR|CKPT|FILE.pth)");
        }
        Path file = Path.of(path);
        if (Files.isDirectory(file)) {
            file = file.resolve("best.ckpt");
        }
        ModelFiles.Source t = ModelFiles.load(path, config.teacherModel(), config.teacherModelOptionMap(),
                config.imageSize(), "--teacher-model", manager);
        if (t.model().spec().numClasses() != classes) {
            throw new E2kdIoException(file, "teacher " + t.model().spec().id() + " has "
                    + t.model().spec().numClasses() + " classes but the data has " + classes);
        }
        t.model().setTraining(false);
        t.model().setTrainable(false);
        Encoding encoding = Encodings.of(t.input());
        return new Loaded(t.model(), file, t.input(), encoding);
    }
}
