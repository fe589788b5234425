package e2kd.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import e2kd.distill.CriterionSpec;
import e2kd.io.E2kdIoException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves a {@link TrainConfig}: defaults, then a preset ({@code e2kd/presets/NAME.yaml}), then a YAML file, then
 * {@code key=value} overrides, each layer replacing the keys it names. Unknown keys are one-line errors.
 */
public final class ConfigLoader {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private static final String PRESETS = "/e2kd/presets/";
    private final Map<String, Object> values;

    private ConfigLoader(Map<String, Object> defaults) {
        this.values = defaults;
    }

    /** Starts from the built-in defaults. */
    public static ConfigLoader defaults() {
        return new ConfigLoader(readResource("/e2kd/train/defaults.yaml"));
    }

    /** Applies preset {@code name}. */
    public ConfigLoader preset(String name) {
        if (ConfigLoader.class.getResource(PRESETS + name + ".yaml") == null) {
            throw new IllegalArgumentException(
                    "unknown preset '" + name + "'; presets: " + String.join(", ", Presets.names()));
        }
        return merge(readResource(PRESETS + name + ".yaml"), "preset " + name);
    }

    /** Applies a YAML file. */
    public ConfigLoader file(Path path) {
        Map<String, Object> layer;
        try {
            layer = Files.exists(path) ? read(Files.newInputStream(path)) : null;
        } catch (IOException e) {
            throw new E2kdIoException(
                    path,
                    "not a YAML mapping (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (layer == null) {
            throw new E2kdIoException(path, "no such file or empty config");
        }
        return merge(layer, path.toString());
    }

    /** Applies a YAML text, such as a run's config.yaml ({@link #toYaml}); {@code source} names it in errors. */
    public ConfigLoader yaml(String text, String source) {
        Map<String, Object> layer;
        try {
            layer = read(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not a YAML mapping ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        return merge(layer == null ? Map.of() : layer, source);
    }

    /** Applies {@code key=value} overrides. */
    public ConfigLoader set(List<String> assignments) {
        Map<String, Object> layer = new LinkedHashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("--set " + a + ": expected key=value");
            }
            layer.put(a.substring(0, eq).trim(), a.substring(eq + 1));
        }
        return merge(layer, "--set");
    }

    /**
     * The resolved, validated configuration, its {@code loss} list filled in from {@code method} and its keys when
     * the layers gave none (so a run's config.yaml states the objective it trained with).
     */
    public TrainConfig resolve() {
        Object loss = values.get("loss");
        if (loss instanceof String text) {
            values.put("loss", text.isBlank() ? List.of() : parse("loss", text));
        }
        TrainConfig config = convert();
        if (config.loss().isEmpty()) {
            values.put(
                    "loss",
                    config.lossTerms().stream().map(CriterionSpec::toMap).toList());
            config = convert();
        }
        return config;
    }

    /** A {@code --set loss=[{name: kd, tau: 4}]} value, in YAML flow style. */
    private static Object parse(String key, String text) {
        try {
            return YAML.readValue(text, Object.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "config " + key + "=" + text + " is not YAML (e.g. [{name: kd, tau: 4}])");
        }
    }

    private TrainConfig convert() {
        try {
            return YAML.convertValue(values, TrainConfig.class);
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause();
            while (cause instanceof JsonMappingException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof IllegalArgumentException) {
                throw (IllegalArgumentException) cause;
            }
            if (cause instanceof JsonMappingException m && !m.getPath().isEmpty()) {
                String key = m.getPath().get(0).getFieldName();
                throw new IllegalArgumentException(
                        "config " + key + "=" + values.get(key) + " has the wrong type for " + key, e);
            }
            throw e;
        }
    }

    /** A resolved config as a JSON tree with the YAML's keys. */
    public static com.fasterxml.jackson.databind.JsonNode toTree(TrainConfig config) {
        return YAML.valueToTree(config);
    }

    /** The YAML text of a resolved config (for a run's config.yaml). */
    public static String toYaml(TrainConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write config: " + e.getMessage(), e);
        }
    }

    private ConfigLoader merge(Map<String, Object> layer, String source) {
        for (Map.Entry<String, Object> e : layer.entrySet()) {
            if (!values.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unknown config key '" + e.getKey() + "' in " + source
                        + "; valid keys: " + String.join(", ", values.keySet()));
            }
            values.put(e.getKey(), e.getValue() == null ? "" : e.getValue());
        }
        return this;
    }

    private static Map<String, Object> readResource(String resource) {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return read(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + resource + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(InputStream in) throws IOException {
        try (in) {
            Object tree = YAML.readValue(in, Object.class);
            if (tree != null && !(tree instanceof Map)) {
                throw new IOException("top level is not a mapping");
            }
            return tree == null ? null : new LinkedHashMap<>((Map<String, Object>) tree);
        }
    }
}
