package e2kd.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.data.Augmentation;
import e2kd.data.EvalTransform;
import e2kd.data.Image;
import e2kd.data.ImageDecoder;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.explain.Explainers;
import e2kd.explain.GradCam;
import e2kd.nn.CamModel;
import e2kd.nn.Devices;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.ops.Autograd;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.train.Encodings;
import e2kd.train.ModelFiles;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A model ready to explain images, as pytorch-grad-cam's {@code GradCAM(model, target_layers)(x, targets)}:
 * <pre>{@code
 * try (Explanations model = Explanations.load(Path.of("runs/e2kd"))) {
 *     model.explain(Path.of("x.png")).save(Path.of("w.png"));
 * }
 * }</pre>
 * The image is prepared by the model's input contract (an e2kd checkpoint's own size and encoding; a PyTorch file:
 * shorter side 256, centre crop 224, its family's encoding). B-cos models are explained by W(x), standard ones by
 * GradCAM at their last stage, or at any point of {@link Model#tapNames()} with {@link #gradCam(String)}.
 */
public final class Explanations implements AutoCloseable {
    private final NDManager manager;
    private final Model model;
    private final InputContract contract;
    private final Augmentation transform;
    private final Explainer explainer;

    private Explanations(
            NDManager manager, Model model, InputContract contract, Augmentation transform, Explainer explainer) {
        this.manager = manager;
        this.model = model;
        this.contract = contract;
        this.transform = transform;
        this.explainer = explainer;
    }

    /** A run directory (its best.ckpt) or an e2kd checkpoint. */
    public static Explanations load(Path checkpoint) {
        NDManager manager = Devices.newManager();
        try {
            ModelCheckpoint.Loaded loaded = ModelCheckpoint.loadFrom(checkpoint, manager);
            return of(
                    manager,
                    loaded.model(),
                    loaded.input(),
                    EvalTransform.standard(loaded.input().size()));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A PyTorch state dict (.pth) of model {@code modelId}, options read off the weights, at 224 px; or, whatever
     * {@code modelId} (null or blank, or the id the checkpoint records), a run directory or an e2kd checkpoint.
     *
     * @throws IllegalArgumentException when {@code modelId} names another model than a checkpoint holds
     */
    public static Explanations load(Path file, String modelId) {
        String id = modelId == null ? "" : modelId;
        NDManager manager = Devices.newManager();
        try {
            ModelFiles.Source source = ModelFiles.load(file.toString(), id, Map.of(), 224, "--model", manager);
            String held = source.model().spec().id();
            if (!id.isBlank() && !id.equals(held)) {
                throw new IllegalArgumentException(
                        file + " holds " + held + ", not --model " + id + " (a checkpoint names its own model)");
            }
            return of(
                    manager,
                    source.model(),
                    source.input(),
                    EvalTransform.standard(source.input().size()));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static Explanations of(NDManager manager, Model model, InputContract contract, Augmentation transform) {
        return new Explanations(manager, model, contract, transform, Explainers.create("auto", model));
    }

    /** The same model explained by GradCAM at {@code layer} (closed form at the last stage, else double backprop). */
    public Explanations gradCam(String layer) {
        if (!(model instanceof CamModel cam)) {
            throw new IllegalArgumentException(
                    "GradCAM needs a standard model; " + model.spec().id() + " is explained by " + explainer.name());
        }
        Explainer e = layer.equals(cam.lastStage()) ? GradCam.lastStage(cam) : GradCam.generic(cam, layer);
        return new Explanations(manager, model, contract, transform, e);
    }

    /** The same model with images taken as they are (already of the model's input size). */
    public Explanations withoutResize() {
        return new Explanations(manager, model, contract, Augmentation.identity(), explainer);
    }

    public Model model() {
        return model;
    }

    /** The explanation of {@code image} (JPEG or PNG) for the model's top-1 class. */
    public Explanation explain(Path image) {
        return explain(image, null);
    }

    /** The explanation of {@code image} for class {@code classIndex} (null: the top-1 class). */
    public Explanation explain(Path image, Integer classIndex) {
        Image raw = ImageDecoder.decode(image);
        Image rgb = transform
                .sample(raw.height(), raw.width(), new SplittableRandom(0))
                .apply(raw);
        Image encoded = Encodings.of(contract).encode(rgb);
        NDArray x = manager.create(encoded.data(), new Shape(1, encoded.channels(), encoded.height(), encoded.width()));
        model.checkInput(x);
        int classes = model.spec().numClasses();
        if (classIndex != null && (classIndex < 0 || classIndex >= classes)) {
            throw new IllegalArgumentException("class " + classIndex + " is outside 0.." + (classes - 1));
        }
        ClassChoice choice =
                classIndex == null ? ClassChoice.top1() : ClassChoice.fixed(manager.create(new long[] {classIndex}));
        Explained e = Autograd.recording(() -> explainer.explain(x, choice));
        return new Explanation(explainer, x, e, rgb.data());
    }

    @Override
    public void close() {
        manager.close();
    }
}
