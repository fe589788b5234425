package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.io.NpyReader;
import e2kd.io.PthReader;
import e2kd.io.PthWriter;
import e2kd.io.TensorData;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.nn.weights.StateDicts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that reads a model takes every family, as an e2kd checkpoint and as a PyTorch file with its model id:
 * standard and B-cos CNNs and ViTs through {@code explain --weights}, {@code eval} (the model and the teacher),
 * {@code convert} and {@code export} (with {@code --json}); the checkpoint and the PyTorch file of one model give the
 * same explanation and full agreement.
 */
class ModelFamiliesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Map<String, String>> MODELS = Map.of(
            "resnet18", Map.of("base", "4"),
            "bcos_resnet18", Map.of("base", "4"),
            "vit_ti", Map.of("patch", "16", "dim", "12", "depth", "1", "mlp", "24"),
            "bcos_vit_ti", Map.of("patch", "16", "dim", "12", "depth", "1", "mlp", "24"));

    @TempDir
    Path tmp;

    @Test
    void checkpointsAndPyTorchFilesOfEveryFamily() throws IOException {
        String[] classes = IntStream.range(0, 10).mapToObj(i -> "c" + i).toArray(String[]::new);
        Path data = Cli.imageFolder(tmp.resolve("folder"), Map.of("val", 1), classes);
        Path image = data.resolve("val/c3/img0.png");
        for (Map.Entry<String, Map<String, String>> e : new java.util.TreeMap<>(MODELS).entrySet()) {
            String id = e.getKey();
            Path ckpt = tmp.resolve(id + ".ckpt");
            Path pth = tmp.resolve(id + ".pth");
            try (NDManager m = NDManager.newBaseManager()) {
                Model model = Models.create(id, 10, e.getValue(), m);
                ModelCheckpoint.save(ckpt, model, Models.contract(id, 224), null, Map.of());
                PthWriter.write(StateDicts.of(model), pth);
            }
            JsonNode fromCheckpoint = explain(image, tmp.resolve(id + "-a.npy"), "--weights", ckpt.toString());
            JsonNode fromFile = explain(image, tmp.resolve(id + "-b.npy"), "--weights", pth.toString(), "--model", id);
            assertEquals(id, fromFile.path("model").asText());
            assertEquals(
                    fromCheckpoint.path("class").asInt(), fromFile.path("class").asInt(), id);
            assertEquals(
                    fromCheckpoint.path("logit").asDouble(),
                    fromFile.path("logit").asDouble(),
                    1e-5,
                    id);
            try (NDManager m = NDManager.newBaseManager()) {
                TensorData a = NpyReader.read(tmp.resolve(id + "-a.npy"));
                TensorData b = NpyReader.read(tmp.resolve(id + "-b.npy"));
                e2kd.Close.relative(
                        m.create(b.toFloatArray(), new Shape(b.shape())),
                        m.create(a.toFloatArray(), new Shape(a.shape())),
                        1e-5,
                        id + " map");
            }

            JsonNode file = json(
                    "eval",
                    pth.toString(),
                    "--model",
                    id,
                    "--size",
                    "224",
                    "--data",
                    data.toString(),
                    "--teacher",
                    ckpt.toString(),
                    "--threads",
                    "1",
                    "--shift-patch",
                    "0");
            JsonNode teacherFile = json(
                    "eval",
                    ckpt.toString(),
                    "--data",
                    data.toString(),
                    "--teacher",
                    pth.toString(),
                    "--teacher-model",
                    id,
                    "--threads",
                    "1",
                    "--shift-patch",
                    "0");
            for (JsonNode r : new JsonNode[] {file, teacherFile}) {
                assertEquals(10, r.path("count").asInt(), id + " " + r);
                assertEquals(1.0, r.path("agreement").asDouble(), 0, id + " " + r);
                assertTrue(r.path("explanation_similarity").isNumber(), id + " " + r);
            }
            assertEquals(file.path("top1"), teacherFile.path("top1"), id + ": one model, as a file and a checkpoint");

            Path converted = tmp.resolve(id + "-converted.ckpt");
            JsonNode c = json(
                    "convert", "--json", "--weights", pth.toString(), "--model", id, "--out", converted.toString());
            assertEquals(10, c.path("classes").asInt(), c.toString());
            assertEquals(
                    e.getValue().get("base") == null ? "12" : "4",
                    c.path("options")
                            .path(e.getValue().get("base") == null ? "dim" : "base")
                            .asText(),
                    c.toString());
            Path exported = tmp.resolve(id + "-exported.pth");
            JsonNode x = json("export", "--json", converted.toString(), "--out", exported.toString());
            assertEquals(id, x.path("model").asText());
            assertEquals(PthReader.read(pth).keys().size(), x.path("tensors").asInt(), x.toString());
            e2kd.io.Fixtures.assertSameStateDict(PthReader.read(pth), PthReader.read(exported));
        }
        Path ckpt = tmp.resolve("resnet18.ckpt");
        assertEquals(
                explain(image, tmp.resolve("a.npy"), "--weights", ckpt.toString())
                        .path("logit"),
                explain(image, tmp.resolve("b.npy"), "--checkpoint", ckpt.toString())
                        .path("logit"),
                "--checkpoint is the older spelling of --weights");
        String other = Cli.oneLineError(
                "explain",
                "--weights",
                ckpt.toString(),
                "--model",
                "bcos_resnet18",
                "--image",
                image.toString(),
                "--out",
                tmp.resolve("c.npy").toString());
        assertTrue(other.contains("holds resnet18, not --model bcos_resnet18"), other);
        String noId = Cli.oneLineError(
                "explain",
                "--weights",
                tmp.resolve("resnet18.pth").toString(),
                "--image",
                image.toString(),
                "--out",
                tmp.resolve("d.npy").toString());
        assertTrue(noId.contains("resnet18.pth") && noId.contains("--model ID"), noId);
    }

    /** explain --json of {@code image} into {@code out} with the model options {@code model}. */
    private static JsonNode explain(Path image, Path out, String... model) throws IOException {
        return json(Cli.args(
                new String[] {"explain", "--json", "--image", image.toString(), "--out", out.toString()}, model));
    }

    private static JsonNode json(String... args) throws IOException {
        return JSON.readTree(Cli.stdout(args));
    }
}
