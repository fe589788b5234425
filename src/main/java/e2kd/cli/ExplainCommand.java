package e2kd.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.train.Encodings;
import e2kd.data.Augmentation;
import e2kd.data.EvalTransform;
import e2kd.data.Image;
import e2kd.data.ImageDecoder;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.explain.Explainers;
import e2kd.explain.Pictures;
import e2kd.explain.Png;
import e2kd.io.NpyWriter;
import e2kd.io.TensorData;
import e2kd.nn.Autograd;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.ModelCheckpoint;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/** {@code e2kd explain}: one image's explanation as a raw map (.npy) or a picture (.png). */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explain one image: B-cos W(x) or GradCAM, written as .npy (raw float32 map) or .png (picture).")
final class ExplainCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--checkpoint", required = true, description = "An e2kd checkpoint (.ckpt) or run directory.")
        Path checkpoint;

        @ArgGroup(exclusive = false)
        Bare bare;
    }

    static final class Bare {
        @Option(names = "--model", required = true, description = "Model id (e.g. resnet34, bcos_resnet18).")
        String model;

        @Option(names = "--weights", required = true, description = "PyTorch state dict (.pth) for --model.")
        Path weights;
    }

    @Option(names = "--image", required = true, description = "Image file (JPEG or PNG).")
    Path image;

    @Option(names = "--class", description = "Class to explain (default: the top-1 class).")
    Integer classIndex;

    @Option(names = "--preprocess", description = "For bare weights: imagenet (shorter side 256, centre crop 224, "
            + "the default) or none (the image as it is).")
    String preprocess;

    @Option(names = "--out", required = true, description = "Output: .npy (raw map) or .png (picture).")
    Path out;

    @Override
    public Integer call() {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean png = name.endsWith(".png");
        if (!png && !name.endsWith(".npy")) {
            throw new IllegalArgumentException("--out " + out + " must end in .npy or .png");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Model model;
            Augmentation transform;
            InputContract contract;
            if (source.checkpoint != null) {
                if (preprocess != null) {
                    throw new IllegalArgumentException("--preprocess is for bare weights; a checkpoint brings its "
                            + "own input contract");
                }
                ModelCheckpoint.Loaded loaded = ModelSources.checkpoint(source.checkpoint, manager);
                model = loaded.model();
                contract = loaded.input();
                transform = EvalTransform.standard(contract.size());
            } else {
                model = ModelSources.bareWeights(source.bare.model, source.bare.weights, manager);
                contract = InputContract.forModel(source.bare.model, 224);
                transform = switch (preprocess == null ? "imagenet" : preprocess) {
                    case "imagenet" -> new EvalTransform(256, 224);
                    case "none" -> Augmentation.identity();
                    default -> throw new IllegalArgumentException("--preprocess " + preprocess
                            + " is not valid; expected imagenet or none");
                };
            }
            Image raw = ImageDecoder.decode(image);
            Image rgb = transform.sample(raw.height(), raw.width(), new SplittableRandom(0)).apply(raw);
            Image encoded = Encodings.of(contract).encode(rgb);
            NDArray x = manager.create(encoded.data(), new Shape(1, encoded.channels(), encoded.height(),
                    encoded.width()));
            model.checkInput(x);
            Explainer explainer = Explainers.create("auto", model);
            int classes = model.spec().numClasses();
            if (classIndex != null && (classIndex < 0 || classIndex >= classes)) {
                throw new IllegalArgumentException("--class " + classIndex + " is outside 0.." + (classes - 1));
            }
            ClassChoice choice = classIndex == null ? ClassChoice.top1()
                    : ClassChoice.fixed(manager.create(new long[] {classIndex}));
            Explained e = Autograd.recording(() -> explainer.explain(x, choice));
            long explained = e.classes().getLong(0);
            System.out.printf(Locale.ROOT, "class %d logit %.6f (%s, %s)%n", explained,
                    e.logits().getFloat(0, explained), model.spec().id(), explainer.name());
            if (png) {
                Png.write(out, Pictures.of(explainer, x, e, 0, rgb.data()));
            } else {
                NDArray map = e.map().get(0);
                NpyWriter.write(TensorData.ofFloats(map.getShape().getShape(), map.toFloatArray()), out);
            }
            System.out.println("wrote " + out);
        }
        return 0;
    }
}
