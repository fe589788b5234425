package e2kd.train.frozen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.data.Image;
import e2kd.io.AtomicFiles;
import e2kd.io.DType;
import e2kd.io.E2kdIoException;
import e2kd.io.NpyReader;
import e2kd.io.NpyWriter;
import e2kd.io.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A teacher's outputs for a data set, stored once for frozen e²KD (METHOD.md §4, "Frozen"). Folder layout:
 * <pre>
 * index.json          the plan: teacher, explainer, data, map shape, shard size, source index of every sample,
 *                     and "complete" once every shard is written
 * logits-NNNNN.npy    (n, classes) float32, the teacher's logits
 * maps-NNNNN.npy      (n, C', H, W) float32, its explanation for its top-1 class (GradCAM: C' = 1)
 * </pre>
 * Shard k holds samples [k·shard_size, (k+1)·shard_size). Every file is written atomically and a shard's logits
 * after its maps, so a shard whose logits file exists is complete: an interrupted precompute resumes by skipping
 * those. Maps are read one sample at a time (positional reads), logits are held in memory.
 */
public final class FrozenTeacherStore implements AutoCloseable {
    static final String FORMAT = "e2kd-frozen-teacher";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final JsonNode index;
    private final int classes;
    private final int[] mapShape;
    private final int shardSize;
    private final float[] logits;
    private final Map<Integer, Integer> rowOfSource = new HashMap<>();
    private final Map<Integer, FileChannel> channels = new HashMap<>();

    private FrozenTeacherStore(Path dir, JsonNode index, float[] logits) {
        this.dir = dir;
        this.index = index;
        this.classes = index.path("classes").asInt();
        this.mapShape = JSON.convertValue(index.path("map_shape"), int[].class);
        this.shardSize = index.path("shard_size").asInt();
        this.logits = logits;
        Iterator<JsonNode> sources = index.path("source_indices").elements();
        for (int row = 0; sources.hasNext(); row++) {
            rowOfSource.put(sources.next().asInt(), row);
        }
    }

    public static Path indexFile(Path dir) {
        return dir.resolve("index.json");
    }

    static Path logitsFile(Path dir, int shard) {
        return dir.resolve(String.format("logits-%05d.npy", shard));
    }

    static Path mapsFile(Path dir, int shard) {
        return dir.resolve(String.format("maps-%05d.npy", shard));
    }

    /** The index of a precompute folder, or null when there is none yet. */
    static JsonNode readIndex(Path dir) {
        Path file = indexFile(dir);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            JsonNode index = JSON.readTree(file.toFile());
            if (!FORMAT.equals(index.path("format").asText())) {
                throw new E2kdIoException(file, "not a frozen-teacher index (format is not " + FORMAT + ")");
            }
            return index;
        } catch (IOException e) {
            throw new E2kdIoException(
                    file,
                    "not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    static void writeIndex(Path dir, JsonNode index) {
        AtomicFiles.write(
                indexFile(dir),
                out -> out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index)));
    }

    /** Writes shard {@code shard}: maps {@code (n, C', H, W)} first, then logits {@code (n, classes)}. */
    static void writeShard(Path dir, int shard, int n, float[] logits, int classes, float[] maps, int[] mapShape) {
        long[] shape = new long[mapShape.length + 1];
        shape[0] = n;
        for (int i = 0; i < mapShape.length; i++) {
            shape[i + 1] = mapShape[i];
        }
        NpyWriter.write(TensorData.ofFloats(shape, maps), mapsFile(dir, shard));
        NpyWriter.write(TensorData.ofFloats(new long[] {n, classes}, logits), logitsFile(dir, shard));
    }

    /** Opens a complete precompute folder. */
    public static FrozenTeacherStore open(Path dir) {
        JsonNode index = readIndex(dir);
        if (index == null) {
            throw new E2kdIoException(indexFile(dir), "no such file; write it with e2kd precompute --out " + dir);
        }
        if (!index.path("complete").asBoolean()) {
            throw new E2kdIoException(
                    indexFile(dir), "precompute did not finish; re-run e2kd precompute to complete it");
        }
        int samples = index.path("samples").asInt();
        int classes = index.path("classes").asInt();
        int shardSize = index.path("shard_size").asInt();
        float[] logits = new float[samples * classes];
        for (int shard = 0; shard * shardSize < samples; shard++) {
            int n = Math.min(shardSize, samples - shard * shardSize);
            Path file = logitsFile(dir, shard);
            TensorData t = NpyReader.read(file);
            if (t.dtype() != DType.FLOAT32 || t.shape().length != 2 || t.shape()[0] != n || t.shape()[1] != classes) {
                throw new E2kdIoException(file, "expected float32 logits of shape (" + n + ", " + classes + ")");
            }
            System.arraycopy(t.toFloatArray(), 0, logits, shard * shardSize * classes, n * classes);
        }
        return new FrozenTeacherStore(dir, index, logits);
    }

    /** The index's fields (teacher, teacher_model, explainer, map_shape, ...). */
    public JsonNode index() {
        return index;
    }

    public int classes() {
        return classes;
    }

    /** The explanation's shape per sample without the batch dim: (C', H, W), or (H, W) for GradCAM. */
    public long[] explanationShape() {
        JsonNode dims = index.path("explanation_shape");
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims.get(i).asLong();
        }
        return out;
    }

    /** The row of the sample with index {@code source} in the full training data. */
    public int row(int source) {
        Integer row = rowOfSource.get(source);
        if (row == null) {
            throw new E2kdIoException(
                    indexFile(dir),
                    "has no teacher output for training sample " + source
                            + " (precomputed with other data, shots_per_class or seed?)");
        }
        return row;
    }

    /** Logits of row {@code row}, (classes). */
    public float[] logits(int row) {
        float[] out = new float[classes];
        System.arraycopy(logits, row * classes, out, 0, classes);
        return out;
    }

    /** The stored map of row {@code row} as (C', H, W); safe to call from the prefetch thread. */
    public Image map(int row) {
        int shard = row / shardSize;
        int floats = mapShape[0] * mapShape[1] * mapShape[2];
        ByteBuffer bytes = ByteBuffer.allocate(floats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        Path file = mapsFile(dir, shard);
        try {
            FileChannel ch = channel(shard);
            long offset = dataOffset(ch, file) + (long) (row - shard * shardSize) * bytes.capacity();
            while (bytes.hasRemaining()) {
                if (ch.read(bytes, offset + bytes.position()) < 0) {
                    throw new E2kdIoException(file, "truncated: no map for row " + row);
                }
            }
        } catch (IOException e) {
            throw new E2kdIoException(file, "cannot read: " + e, e);
        }
        float[] data = new float[floats];
        bytes.flip();
        bytes.asFloatBuffer().get(data);
        return new Image(mapShape[0], mapShape[1], mapShape[2], data);
    }

    private synchronized FileChannel channel(int shard) throws IOException {
        FileChannel ch = channels.get(shard);
        if (ch == null) {
            ch = FileChannel.open(mapsFile(dir, shard), StandardOpenOption.READ);
            channels.put(shard, ch);
        }
        return ch;
    }

    /** Start of the data in a .npy file written by {@link NpyWriter} (version 1.0: 10 bytes + header length). */
    private static long dataOffset(FileChannel ch, Path file) throws IOException {
        ByteBuffer preamble = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(preamble, 0);
        if (preamble.position() < 10 || preamble.get(6) != 1) {
            throw new E2kdIoException(file, "not a version 1.0 .npy file");
        }
        return 10 + (preamble.getShort(8) & 0xffff);
    }

    /** A copy of the plan fields of an index (everything but "complete"), for comparing plans. */
    static ObjectNode plan(JsonNode index) {
        ObjectNode plan = index.deepCopy();
        plan.remove("complete");
        return plan;
    }

    @Override
    public synchronized void close() {
        for (FileChannel ch : channels.values()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only channel; nothing was written that could be lost
            }
        }
        channels.clear();
    }
}
