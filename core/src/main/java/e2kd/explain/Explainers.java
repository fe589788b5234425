package e2kd.explain;

import e2kd.nn.BcosClassifier;
import e2kd.nn.CamModel;
import e2kd.nn.Model;
import e2kd.nn.models.Models;

/** Explainers by name: {@code bcos} (W(x)·x), {@code gradcam} (last stage), {@code ixg}; {@code auto} by family. */
public final class Explainers {
    private Explainers() {}

    /** The family default: {@code bcos} for B-cos models, {@code gradcam} for standard ones. */
    public static String resolve(String name, String modelId) {
        return "auto".equals(name) ? Models.family(modelId).defaultExplainer() : name;
    }

    public static Explainer create(String name, Model model) {
        String resolved = resolve(name, model.spec().id());
        return switch (resolved) {
            case "bcos" -> {
                if (!(model instanceof BcosClassifier b)) {
                    throw new IllegalArgumentException("explainer bcos needs a B-cos model, got "
                            + model.spec().id());
                }
                yield new BcosExplainer(b);
            }
            case "gradcam" -> {
                if (!(model instanceof CamModel c)) {
                    throw new IllegalArgumentException(
                            "explainer gradcam needs a standard ResNet, DenseNet or ViT, got "
                                    + model.spec().id());
                }
                yield GradCam.lastStage(c);
            }
            case "ixg" -> new InputXGradient(model);
            default ->
                throw new IllegalArgumentException(
                        "unknown explainer '" + name + "'; expected auto, bcos, gradcam or ixg");
        };
    }
}
