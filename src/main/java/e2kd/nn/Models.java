package e2kd.nn;

import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Registry of model ids: {@code Models.create("bcos_resnet18", 10, Map.of("stem", "small"), manager)}. */
public final class Models {
    private interface Factory {
        Model create(NDManager manager, ModelSpec spec);
    }

    private record Entry(int defaultInChannels, int defaultGrowth, Factory factory) {}

    /** torchvision's DenseNet growth rate k. */
    private static final int DENSENET_GROWTH = 32;

    private static final Map<String, Entry> REGISTRY = new TreeMap<>();

    static {
        register("resnet18", 3, (m, s) -> new ResNet(m, s, new int[] {2, 2, 2, 2}, false));
        register("resnet34", 3, (m, s) -> new ResNet(m, s, new int[] {3, 4, 6, 3}, false));
        register("resnet50", 3, (m, s) -> new ResNet(m, s, new int[] {3, 4, 6, 3}, true));
        register("bcos_resnet18", 6, (m, s) -> new BcosResNet(m, s, new int[] {2, 2, 2, 2}, false));
        register("bcos_resnet34", 6, (m, s) -> new BcosResNet(m, s, new int[] {3, 4, 6, 3}, false));
        register("bcos_resnet50", 6, (m, s) -> new BcosResNet(m, s, new int[] {3, 4, 6, 3}, true));
        registerDenseNet("densenet121", 3, (m, s) -> new DenseNet(m, s, DenseNetLayout.DENSENET121));
        registerDenseNet("densenet169", 3, (m, s) -> new DenseNet(m, s, DenseNetLayout.DENSENET169));
        registerDenseNet("bcos_densenet121", 6, (m, s) -> new BcosDenseNet(m, s, DenseNetLayout.DENSENET121));
        registerDenseNet("bcos_densenet169", 6, (m, s) -> new BcosDenseNet(m, s, DenseNetLayout.DENSENET169));
    }

    private Models() {}

    private static void register(String id, int defaultInChannels, Factory factory) {
        REGISTRY.put(id, new Entry(defaultInChannels, 0, factory));
    }

    private static void registerDenseNet(String id, int defaultInChannels, Factory factory) {
        REGISTRY.put(id, new Entry(defaultInChannels, DENSENET_GROWTH, factory));
    }

    /** The registered ids, sorted. */
    public static Iterable<String> ids() {
        return REGISTRY.keySet();
    }

    /** Whether {@code id} is a B-cos model (6-channel encoding, W(x) explanations). */
    public static boolean isBcos(String id) {
        return entry(id).defaultInChannels == 6;
    }

    /** Builds model {@code id} with parameters owned by {@code manager}; options as in {@link ModelOptions}. */
    public static Model create(String id, int numClasses, Map<String, String> options, NDManager manager) {
        Entry e = entry(id);
        return create(new ModelSpec(id, numClasses, ModelOptions.parse(options, e.defaultInChannels, e.defaultGrowth)), manager);
    }

    public static Model create(ModelSpec spec, NDManager manager) {
        Model model = entry(spec.id()).factory.create(manager, spec);
        model.setTraining(false);
        return model;
    }

    /** Default options of {@code id} as key=value strings. */
    public static Map<String, String> defaultOptions(String id) {
        return new LinkedHashMap<>(ModelOptions.parse(Map.of(), entry(id).defaultInChannels, entry(id).defaultGrowth).asMap());
    }

    private static Entry entry(String id) {
        Entry e = REGISTRY.get(id);
        if (e == null) {
            throw new IllegalArgumentException("unknown model id '" + id + "'; valid ids: " + String.join(", ", REGISTRY.keySet()));
        }
        return e;
    }
}
