package e2kd.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * e2kd's checkpoint container (layout in docs/CHECKPOINT.md): a zip holding {@code checkpoint.json} (metadata)
 * and one safetensors file per named tensor group ({@code model.safetensors}, optionally
 * {@code optimizer.safetensors}). Written atomically.
 */
public final class CheckpointArchive {
    public static final String FORMAT = "e2kd-checkpoint";
    private static final String META = "checkpoint.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Metadata and tensor groups (group name → tensor name → array). */
    public record Contents(JsonNode meta, Map<String, Map<String, NDArray>> groups) {}

    private CheckpointArchive() {}

    public static void write(Path path, JsonNode meta, Map<String, Map<String, NDArray>> groups) {
        AtomicFiles.write(path, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.putNextEntry(new ZipEntry(META));
            zip.write(JSON.writeValueAsBytes(meta));
            zip.closeEntry();
            for (Map.Entry<String, Map<String, NDArray>> group : groups.entrySet()) {
                zip.putNextEntry(new ZipEntry(group.getKey() + ".safetensors"));
                NDList list = new NDList();
                for (Map.Entry<String, NDArray> t : group.getValue().entrySet()) {
                    NDArray copy = t.getValue().duplicate();
                    copy.setName(t.getKey());
                    list.add(copy);
                }
                list.encode(zip, NDList.Encoding.SAFETENSORS);
                list.close();
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /** Whether {@code path} is a zip holding {@code checkpoint.json} (PyTorch's zips hold {@code <name>/data.pkl}). */
    public static boolean isCheckpoint(Path path) {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(path.toFile())) {
            return zip.getEntry(META) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Adds (or replaces) the top-level metadata field {@code key} of the checkpoint at {@code path}, keeping its
     * tensors as they are (decoded into {@code scratch} for the rewrite); written atomically.
     */
    public static void putMeta(Path path, String key, JsonNode value, NDManager scratch) {
        try (NDManager manager = scratch.newSubManager()) {
            Contents c = read(path, manager);
            com.fasterxml.jackson.databind.node.ObjectNode meta = c.meta().deepCopy();
            meta.set(key, value);
            write(path, meta, c.groups());
        }
    }

    /** A checkpoint's {@code checkpoint.json} alone (no tensors decoded); errors as {@link #read}. */
    public static JsonNode readMeta(Path path) {
        JsonNode meta = null;
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(path.toFile())) {
            ZipEntry e = zip.getEntry(META);
            if (e != null) {
                try (InputStream in = zip.getInputStream(e)) {
                    meta = JSON.readTree(in);
                }
            }
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new E2kdIoException(path, "no such file");
        } catch (IOException | RuntimeException e) {
            throw new E2kdIoException(path, "unreadable checkpoint (" + e.getMessage() + ")");
        }
        return checkFormat(path, meta);
    }

    /** Reads a checkpoint; a missing, truncated or foreign file is a one-line error naming it. */
    public static Contents read(Path path, NDManager manager) {
        JsonNode meta = null;
        Map<String, Map<String, NDArray>> groups = new LinkedHashMap<>();
        try (InputStream raw = Files.newInputStream(path);
                ZipInputStream zip = new ZipInputStream(raw)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(META)) {
                    meta = JSON.readTree(zip.readAllBytes());
                } else if (e.getName().endsWith(".safetensors")) {
                    Map<String, NDArray> tensors = new LinkedHashMap<>();
                    for (NDArray a : NDList.decode(manager, zip.readAllBytes())) {
                        tensors.put(a.getName(), a);
                    }
                    groups.put(e.getName().substring(0, e.getName().length() - ".safetensors".length()), tensors);
                }
            }
        } catch (NoSuchFileException e) {
            throw new E2kdIoException(path, "no such file");
        } catch (ZipException | java.io.EOFException e) {
            throw new E2kdIoException(path, "not a complete e2kd checkpoint (" + e.getMessage() + ")");
        } catch (IOException | RuntimeException e) {
            throw new E2kdIoException(path, "unreadable checkpoint (" + e.getMessage() + ")");
        }
        return new Contents(checkFormat(path, meta), groups);
    }

    private static JsonNode checkFormat(Path path, JsonNode meta) {
        if (meta == null || !FORMAT.equals(meta.path("format").asText())) {
            throw new E2kdIoException(path, "not an e2kd checkpoint (no " + META + " with format " + FORMAT + ")");
        }
        return meta;
    }
}
