package e2kd.cli;

import e2kd.api.Explanation;
import e2kd.api.Explanations;
import e2kd.io.CheckpointArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code e2kd explain}: one image's explanation as a raw map (.npy) or a picture (.png). */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        description = "Explain one image: B-cos W(x) or GradCAM, written as .npy (raw float32 map) or .png (picture).")
final class ExplainCommand implements Callable<Integer> {
    @Option(
            names = {"--weights", "--checkpoint"},
            required = true,
            paramLabel = "FILE",
            description = "The model: a run directory (its best.ckpt), an e2kd checkpoint, or a PyTorch state dict "
                    + "(.pth) for --model ID, as train --weights reads it. --checkpoint is the older spelling.")
    Path weights;

    @Option(
            names = "--model",
            paramLabel = "ID",
            description = "Model id of a PyTorch file (resnet18/34/50, densenet121/169, vit_ti/vit_s and their bcos_ "
                    + "variants; options read off the weights); a checkpoint names its own.")
    String model;

    @Option(names = "--image", required = true, description = "Image file (JPEG or PNG).")
    Path image;

    @Option(names = "--class", description = "Class to explain (default: the top-1 class).")
    Integer classIndex;

    @Option(
            names = "--preprocess",
            description = "For a PyTorch file: imagenet (shorter side 256, centre crop 224, "
                    + "the default) or none (the image as it is).")
    String preprocess;

    @Option(names = "--out", required = true, description = "Output: .npy (raw map) or .png (picture).")
    Path out;

    @picocli.CommandLine.Mixin
    DeviceOption device;

    @picocli.CommandLine.Mixin
    JsonOption output;

    @picocli.CommandLine.Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        device.apply();
        threads.apply();
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".png") && !name.endsWith(".npy")) {
            throw new IllegalArgumentException("--out " + out + " must end in .npy or .png");
        }
        boolean checkpoint = Files.isDirectory(weights) || CheckpointArchive.isCheckpoint(weights);
        if (checkpoint && preprocess != null) {
            throw new IllegalArgumentException(
                    "--preprocess is for a PyTorch file; a checkpoint brings its own input contract");
        }
        try (Explanations model = preprocessed(Explanations.load(weights, this.model))) {
            Explanation e = model.explain(image, classIndex);
            e.save(out);
            if (output.json) {
                JsonOption.print(JsonOption.object()
                        .put("class", e.explainedClass())
                        .put("logit", e.logit())
                        .put("model", model.model().spec().id())
                        .put("explainer", String.valueOf(e.explainer()))
                        .put("out", out.toString()));
                return 0;
            }
            System.out.printf(
                    Locale.ROOT,
                    "class %d logit %.6f (%s, %s)%n",
                    e.explainedClass(),
                    e.logit(),
                    model.model().spec().id(),
                    e.explainer());
            System.out.println("wrote " + out);
        }
        return 0;
    }

    private Explanations preprocessed(Explanations model) {
        return switch (preprocess == null ? "imagenet" : preprocess) {
            case "imagenet" -> model;
            case "none" -> model.withoutResize();
            default -> {
                model.close();
                throw new IllegalArgumentException(
                        "--preprocess " + preprocess + " is not valid; expected imagenet or none");
            }
        };
    }
}
