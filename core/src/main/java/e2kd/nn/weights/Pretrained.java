package e2kd.nn.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.io.E2kdIoException;
import e2kd.io.PthReader;
import e2kd.io.StateDict;
import e2kd.io.TensorData;
import e2kd.nn.ArchitectureOptions;
import e2kd.nn.Model;
import e2kd.nn.ModelSpec;
import e2kd.nn.Module;
import e2kd.nn.models.Models;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts a PyTorch state dict (torchvision or B-cos-v2 key names, as {@link PthReader} returns it: the inner
 * {@code state_dict}/{@code model} dict, {@code module.} stripped) into a registered model by name, with full
 * shape checks:
 * <ul>
 *   <li>legacy torchvision DenseNet keys {@code denselayerN.norm.1.weight} become {@code denselayerN.norm1.weight}
 *       (torchvision's own regex);</li>
 *   <li>the class count is dim 0 of {@code fc.weight}, {@code fc.linear.weight}, {@code classifier.weight} or
 *       {@code classifier.linear.weight}, so a B-cos model's logit bias −log(C − 1) follows from the file;</li>
 *   <li>options not given are read off the stem conv ({@code base}, {@code in_channels}, {@code stem} from its
 *       kernel: 7 → imagenet, 3 → small) and the first 3×3 dense conv ({@code growth}); a ViT's {@code dim},
 *       {@code patch} (for its {@code in_channels}), {@code depth} and {@code mlp} off the patch embedding, the
 *       encoder keys and the first feed-forward layer ({@code heads} and {@code image} cannot be read off);</li>
 *   <li>keys with or without the {@code 0.} of B-cos-v2's {@code BcosSequential} fit a model whose keys have it
 *       (the B-cos ViTs) and one whose keys do not;</li>
 *   <li>a missing {@code num_batches_tracked} (checkpoints older than PyTorch 0.4.1) is 0, as PyTorch's
 *       BatchNorm loader does;</li>
 *   <li>every other missing, unexpected or mis-shaped key is an error that names them (see
 *       {@link Module#loadStateDict}).</li>
 * </ul>
 */
public final class Pretrained {
    /** Where the class count is read from, in this order. */
    public static final List<String> CLASSIFIER_WEIGHTS = List.of(
            "fc.weight",
            "fc.linear.weight",
            "classifier.weight",
            "classifier.linear.weight",
            "linear_head.linear.weight",
            "linear_head.linear.linear.weight");
    /** B-cos-v2's {@code BcosSequential(model, LogitLayer)} prefix, which the B-cos ViTs' own keys carry. */
    private static final String SEQUENTIAL = "0.";

    private static final List<String> PATCH_WEIGHTS =
            List.of("to_patch_embedding.linear.weight", "to_patch_embedding.linear.linear.weight");
    private static final List<String> MLP_WEIGHTS = List.of(
            "transformer.encoder_0.ff.net.linear1.weight", "transformer.encoder_0.ff.net.linear1.linear.weight");
    private static final Pattern ENCODER = Pattern.compile("^transformer\\.encoder_(\\d+)\\..*");
    private static final Pattern LEGACY_DENSE_LAYER = Pattern.compile(
            "^(.*denselayer\\d+\\.(?:norm|relu|conv))\\.((?:[12])\\.(?:weight|bias|running_mean|running_var))$");
    private static final List<String> STEM_WEIGHTS =
            List.of("conv1.weight", "conv1.linear.weight", "features.conv0.weight", "features.conv0.linear.weight");
    private static final List<String> GROWTH_WEIGHTS = List.of(
            "features.denseblock1.denselayer1.conv2.weight", "features.denseblock1.denselayer1.conv2.linear.weight");
    private static final String COUNTER = "num_batches_tracked";

    private Pretrained() {}

    /** Reads {@code file} (a {@code torch.save} state dict) into model {@code id}; every error names the file. */
    public static Model read(Path file, String id, Map<String, String> options, NDManager manager) {
        StateDict stateDict = PthReader.read(file);
        try {
            return build(stateDict, id, options, manager);
        } catch (IllegalArgumentException e) {
            throw new E2kdIoException(file, e.getMessage());
        }
    }

    /** Builds model {@code id} (eval mode) holding {@code stateDict}; explicit {@code options} win over inferred. */
    public static Model build(StateDict stateDict, String id, Map<String, String> options, NDManager manager) {
        StateDict canonical = canonicalKeys(stateDict);
        if (canonical.keys().stream().allMatch(k -> k.startsWith(SEQUENTIAL))) {
            canonical = canonical.stripPrefix(SEQUENTIAL);
        }
        Map<String, String> defaults = Models.defaultOptions(id);
        int inChannels =
                ArchitectureOptions.integer(options, "in_channels", Integer.parseInt(defaults.get("in_channels")));
        Map<String, String> resolved = new LinkedHashMap<>(inferredOptions(canonical, inChannels));
        resolved.keySet().retainAll(defaults.keySet());
        resolved.putAll(options);
        int classes = numClasses(canonical);
        // Where the classifier cannot fit, loading fails below; a 2-class model suffices to list why.
        Model model =
                Models.create(id, classifierFits(canonical, id, resolved, manager) ? classes : 2, resolved, manager);
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            String prefix = ownPrefix(model.stateDict());
            StateDicts.toArrays(canonical, scope).forEach((key, value) -> arrays.put(prefix + key, value));
            for (String key : model.buffers().keySet()) {
                if (key.endsWith("." + COUNTER) && !arrays.containsKey(key)) {
                    arrays.put(key, scope.create(0L));
                }
            }
            model.loadStateDict(arrays);
        }
        return model;
    }

    /** Renames legacy DenseNet keys ({@code norm.1} → {@code norm1}, …) as torchvision's loader does. */
    public static StateDict canonicalKeys(StateDict stateDict) {
        StateDict out = new StateDict();
        for (Map.Entry<String, TensorData> e : stateDict) {
            Matcher legacy = LEGACY_DENSE_LAYER.matcher(e.getKey());
            String key = legacy.matches() ? legacy.group(1) + legacy.group(2) : e.getKey();
            if (out.contains(key)) {
                throw new IllegalArgumentException("state dict has both " + e.getKey() + " and " + key);
            }
            out.put(key, e.getValue());
        }
        return out;
    }

    /** The class count: dim 0 of the first of {@link #CLASSIFIER_WEIGHTS} present. */
    public static int numClasses(StateDict stateDict) {
        String key = classifierWeight(stateDict)
                .orElseThrow(() -> new IllegalArgumentException("no classifier weight ("
                        + String.join(", ", CLASSIFIER_WEIGHTS) + ") among the state dict's "
                        + stateDict.size() + " keys"
                        + (stateDict.size() == 0
                                ? ""
                                : " (first: " + stateDict.keys().iterator().next() + ")")));
        long[] shape = stateDict.get(key).shape();
        if (shape.length < 2
                || shape[0] > Integer.MAX_VALUE
                || stateDict.get(key).numel() == 0) {
            throw new IllegalArgumentException(
                    key + " has shape " + Arrays.toString(shape) + ", expected (classes, features[, 1, 1])");
        }
        return (int) shape[0];
    }

    /**
     * A copy of {@code source} with a freshly initialised classifier for {@code classes} classes (fine-tuning on a
     * new label set); every other parameter and buffer is copied.
     */
    public static Model withNewHead(Model source, int classes, NDManager manager) {
        ModelSpec spec = source.spec();
        Model fresh = Models.create(new ModelSpec(spec.id(), spec.family(), classes, spec.options()), manager);
        Map<String, NDArray> weights = source.stateDict();
        String own = ownPrefix(weights);
        String classifier = CLASSIFIER_WEIGHTS.stream()
                .map(k -> own + k)
                .filter(weights::containsKey)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "model " + spec.id() + " has none of " + String.join(", ", CLASSIFIER_WEIGHTS)));
        String prefix = classifier.substring(0, classifier.length() - "weight".length());
        Map<String, NDArray> body = new LinkedHashMap<>(weights);
        body.keySet().removeIf(k -> k.startsWith(prefix));
        fresh.loadStateDict(body, k -> k.startsWith(prefix));
        return fresh;
    }

    /**
     * Whether the file's classifier weight has the shape of the model's beyond dim 0 (by a 2-class probe). Only then
     * is the model built with the file's class count, so its classifier holds no more elements than the file does.
     */
    private static boolean classifierFits(
            StateDict stateDict, String id, Map<String, String> options, NDManager manager) {
        long[] file = stateDict.get(classifierWeight(stateDict).orElseThrow()).shape();
        try (NDManager probe = manager.newSubManager()) {
            Map<String, NDArray> own = Models.create(id, 2, options, probe).stateDict();
            String prefix = ownPrefix(own);
            long[] model = own.get(prefix
                            + CLASSIFIER_WEIGHTS.stream()
                                    .filter(k -> own.containsKey(prefix + k))
                                    .findFirst()
                                    .orElseThrow())
                    .getShape()
                    .getShape();
            model[0] = file[0];
            return Arrays.equals(file, model);
        }
    }

    private static Optional<String> classifierWeight(StateDict stateDict) {
        return CLASSIFIER_WEIGHTS.stream().filter(stateDict::contains).findFirst();
    }

    /** {@code 0.} where every key of a model's state dict starts with it, else "". */
    private static String ownPrefix(Map<String, NDArray> own) {
        return own.keySet().stream().allMatch(k -> k.startsWith(SEQUENTIAL)) ? SEQUENTIAL : "";
    }

    /**
     * Options read off the weights' shapes: stem, base and in_channels from the stem conv, growth; a ViT's dim and
     * patch (for {@code inChannels} input channels) from the patch embedding, depth and mlp.
     */
    private static Map<String, String> inferredOptions(StateDict stateDict, int inChannels) {
        Map<String, String> options = new LinkedHashMap<>();
        STEM_WEIGHTS.stream().filter(stateDict::contains).findFirst().ifPresent(key -> {
            long[] s = stateDict.get(key).shape();
            if (s.length == 4) {
                options.put("base", Long.toString(s[0]));
                options.put("in_channels", Long.toString(s[1]));
                options.put("stem", s[2] == 3 ? "small" : "imagenet");
            }
        });
        GROWTH_WEIGHTS.stream()
                .filter(stateDict::contains)
                .map(stateDict::get)
                .filter(t -> t.rank() == 4)
                .findFirst()
                .ifPresent(t -> options.put("growth", Long.toString(t.shape()[0])));
        PATCH_WEIGHTS.stream()
                .filter(stateDict::contains)
                .map(stateDict::get)
                .filter(t -> t.rank() == 2)
                .findFirst()
                .ifPresent(t -> {
                    options.put("dim", Long.toString(t.shape()[0]));
                    long side = Math.round(Math.sqrt((double) t.shape()[1] / inChannels));
                    if (side * side * inChannels == t.shape()[1]) {
                        options.put("patch", Long.toString(side));
                    }
                });
        MLP_WEIGHTS.stream()
                .filter(stateDict::contains)
                .map(stateDict::get)
                .filter(t -> t.rank() == 2)
                .findFirst()
                .ifPresent(t -> options.put("mlp", Long.toString(t.shape()[0])));
        long depth = stateDict.keys().stream()
                .map(ENCODER::matcher)
                .filter(Matcher::matches)
                .mapToLong(e -> Long.parseLong(e.group(1)) + 1)
                .max()
                .orElse(0);
        if (depth > 0) {
            options.put("depth", Long.toString(depth));
        }
        return options;
    }
}
