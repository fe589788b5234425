package e2kd.train;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import e2kd.io.E2kdIoException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code class_map} file: each data class name mapped to a teacher class index, as a YAML (or JSON) mapping, e.g.
 * {@code n01440764: 0} per line for ImageNet-100 classes under an ImageNet-1k teacher.
 */
final class ClassMap {
    private ClassMap() {}

    /**
     * The teacher index of each data class, in the data's class order.
     *
     * @throws E2kdIoException naming the file and the class when a data class is missing, an index is out of range,
     *                         or two data classes share a teacher class
     */
    static int[] read(Path file, List<String> dataClasses, int teacherClasses) {
        Map<?, ?> raw;
        try {
            raw = new YAMLMapper().readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            throw new E2kdIoException(
                    file,
                    "not a YAML mapping of class name to teacher class index ("
                            + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        int[] map = new int[dataClasses.size()];
        Map<Integer, String> taken = new HashMap<>();
        for (int c = 0; c < map.length; c++) {
            String name = dataClasses.get(c);
            Object v = raw == null ? null : raw.get(name);
            if (!(v instanceof Number n) || n.doubleValue() != n.intValue()) {
                throw new E2kdIoException(
                        file,
                        v == null
                                ? "data class '" + name + "' is not mapped to a teacher class"
                                : "data class '" + name + "' maps to " + v + ", not a class index");
            }
            int index = n.intValue();
            if (index < 0 || index >= teacherClasses) {
                throw new E2kdIoException(
                        file,
                        "data class '" + name + "' maps to " + index + ", outside the teacher's " + "classes 0.."
                                + (teacherClasses - 1));
            }
            String before = taken.put(index, name);
            if (before != null) {
                throw new E2kdIoException(
                        file,
                        "data classes '" + before + "' and '" + name + "' both map to teacher " + "class " + index
                                + "; each teacher class may stand for one data class only");
            }
            map[c] = index;
        }
        return map;
    }
}
