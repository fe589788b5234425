package e2kd.train;

import ai.djl.ndarray.NDManager;
import e2kd.data.Encoding;
import e2kd.explain.ClassMappedExplainer;
import e2kd.explain.Explainer;
import e2kd.explain.Explainers;
import e2kd.io.E2kdIoException;
import e2kd.nn.ClassMappedModel;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loads a teacher from a run directory (its best.ckpt), a checkpoint file or a PyTorch file, checked against the data. */
public final class Teachers {
    /** The teacher (eval mode, parameters frozen), its file, input contract and the matching encoding. */
    public record Loaded(Model model, Path file, InputContract input, Encoding encoding) {
        /** Explainer {@code name} for this teacher (through the class map, when there is one). */
        public Explainer explainer(String name) {
            if (model instanceof ClassMappedModel mapped) {
                return new ClassMappedExplainer(Explainers.create(name, mapped.inner()), mapped);
            }
            return Explainers.create(name, model);
        }
    }

    private Teachers() {}

    /**
     * @param path    a run directory (its best.ckpt), an e2kd checkpoint, or a PyTorch state dict read into
     *                {@code config.teacherModel()} (options {@code teacher_model_options}, input size {@code image_size})
     * @param classes the data's class names; with {@code class_map} the teacher is seen through it
     *                ({@link ClassMappedModel}), else its class count must equal theirs
     * @throws E2kdIoException naming the file when it is missing, unreadable or its class count does not fit
     */
    public static Loaded load(String path, TrainConfig config, List<String> classes, NDManager manager) {
        if (path.isBlank()) {
            throw new IllegalArgumentException("a teacher is needed (--teacher RUN_DIR|CKPT|FILE.pth)");
        }
        Path file = Path.of(path);
        if (Files.isDirectory(file)) {
            file = file.resolve("best.ckpt");
        }
        ModelFiles.Source t = ModelFiles.load(
                path,
                config.teacherModel(),
                config.teacherModelOptionMap(),
                config.imageSize(),
                "--teacher-model",
                manager);
        Model model = t.model();
        if (!config.classMap().isBlank()) {
            model = new ClassMappedModel(
                    model,
                    ClassMap.read(
                            Path.of(config.classMap()), classes, model.spec().numClasses()));
        } else if (model.spec().numClasses() != classes.size()) {
            throw new E2kdIoException(
                    file,
                    "teacher " + model.spec().id() + " has " + model.spec().numClasses() + " classes but the data has "
                            + classes.size() + " (a class_map file can map them)");
        }
        model.setTraining(false);
        model.setTrainable(false);
        return new Loaded(model, file, t.input(), Encodings.of(t.input()));
    }
}
