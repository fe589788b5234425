package e2kd.nn.models;

import ai.djl.ndarray.NDManager;
import e2kd.nn.ArchitectureOptions;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.ModelFamily;
import e2kd.nn.ModelSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Registry of model ids: {@code Models.create("bcos_resnet18", 10, Map.of("stem", "small"), manager)}. Each id
 * names a family (B-cos or standard), how its options are parsed, and a factory: a new architecture is one class
 * plus one {@link #register} line here.
 */
public final class Models {
    /** Builds the model of a spec whose options this entry parsed. */
    public interface Factory {
        Model create(NDManager manager, ModelSpec spec);
    }

    private record Entry(
            ModelFamily family, Function<Map<String, String>, ArchitectureOptions> options, Factory factory) {}

    /** torchvision's DenseNet growth rate k. */
    private static final int DENSENET_GROWTH = 32;

    private static final Map<String, Entry> REGISTRY = new TreeMap<>();

    static {
        resnet("resnet18", ModelFamily.STANDARD, (m, s) -> new ResNet(m, s, new int[] {2, 2, 2, 2}, false));
        resnet("resnet34", ModelFamily.STANDARD, (m, s) -> new ResNet(m, s, new int[] {3, 4, 6, 3}, false));
        resnet("resnet50", ModelFamily.STANDARD, (m, s) -> new ResNet(m, s, new int[] {3, 4, 6, 3}, true));
        resnet("bcos_resnet18", ModelFamily.BCOS, (m, s) -> new BcosResNet(m, s, new int[] {2, 2, 2, 2}, false));
        resnet("bcos_resnet34", ModelFamily.BCOS, (m, s) -> new BcosResNet(m, s, new int[] {3, 4, 6, 3}, false));
        resnet("bcos_resnet50", ModelFamily.BCOS, (m, s) -> new BcosResNet(m, s, new int[] {3, 4, 6, 3}, true));
        densenet("densenet121", ModelFamily.STANDARD, (m, s) -> new DenseNet(m, s, DenseNetLayout.DENSENET121));
        densenet("densenet169", ModelFamily.STANDARD, (m, s) -> new DenseNet(m, s, DenseNetLayout.DENSENET169));
        densenet("bcos_densenet121", ModelFamily.BCOS, (m, s) -> new BcosDenseNet(m, s, DenseNetLayout.DENSENET121));
        densenet("bcos_densenet169", ModelFamily.BCOS, (m, s) -> new BcosDenseNet(m, s, DenseNetLayout.DENSENET169));
        vit("vit_ti", ModelFamily.STANDARD, VitOptions::tiny, Vit::new);
        vit("vit_s", ModelFamily.STANDARD, VitOptions::small, Vit::new);
        vit("bcos_vit_ti", ModelFamily.BCOS, VitOptions::tiny, BcosVit::new);
        vit("bcos_vit_s", ModelFamily.BCOS, VitOptions::small, BcosVit::new);
    }

    private Models() {}

    /** Registers {@code id}: its family, its options parser (defaults filled in) and its factory. */
    public static void register(
            String id,
            ModelFamily family,
            Function<Map<String, String>, ArchitectureOptions> options,
            Factory factory) {
        REGISTRY.put(id, new Entry(family, options, factory));
    }

    private static void resnet(String id, ModelFamily family, Factory factory) {
        register(id, family, raw -> CnnOptions.parse(raw, family.inChannels(), 0), factory);
    }

    private static void densenet(String id, ModelFamily family, Factory factory) {
        register(id, family, raw -> CnnOptions.parse(raw, family.inChannels(), DENSENET_GROWTH), factory);
    }

    private static void vit(
            String id, ModelFamily family, java.util.function.IntFunction<VitOptions> layout, Factory factory) {
        register(id, family, raw -> VitOptions.parse(raw, layout.apply(family.inChannels())), factory);
    }

    /** The registered ids, sorted. */
    public static Iterable<String> ids() {
        return REGISTRY.keySet();
    }

    /** The family of model {@code id}. */
    public static ModelFamily family(String id) {
        return entry(id).family;
    }

    /** The input contract of model {@code id}'s family at {@code size}. */
    public static InputContract contract(String id, int size) {
        return family(id).contract(size);
    }

    /** Builds model {@code id} with parameters owned by {@code manager}; options as its architecture parses them. */
    public static Model create(String id, int numClasses, Map<String, String> options, NDManager manager) {
        return create(
                new ModelSpec(
                        id, entry(id).family, numClasses, entry(id).options.apply(options)),
                manager);
    }

    public static Model create(ModelSpec spec, NDManager manager) {
        Model model = entry(spec.id()).factory.create(manager, spec);
        model.setTraining(false);
        return model;
    }

    /** Default options of {@code id} as key=value strings. */
    public static Map<String, String> defaultOptions(String id) {
        return new LinkedHashMap<>(entry(id).options.apply(Map.of()).asMap());
    }

    private static Entry entry(String id) {
        Entry e = REGISTRY.get(id);
        if (e == null) {
            throw new IllegalArgumentException(
                    "unknown model id '" + id + "'; valid ids: " + String.join(", ", REGISTRY.keySet()));
        }
        return e;
    }
}
