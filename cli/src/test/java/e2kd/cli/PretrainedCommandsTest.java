package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.Close;
import e2kd.Fixtures;
import e2kd.TorchPython;
import e2kd.io.PthReader;
import e2kd.io.PthWriter;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Autograd;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.nn.weights.Pretrained;
import e2kd.nn.weights.StateDicts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real teachers from PyTorch end to end through {@link Main#run}: {@code convert}, {@code export} (round trip through
 * torchvision's own module when /usr/bin/python3 has torch), {@code train --init --reset-head --classes} and
 * {@code distill --teacher FILE.pth --teacher-model ID}, on the torchvision fixtures and the embedded Fashion-MNIST
 * subset.
 */
class PretrainedCommandsTest {
    private static final String DIR = "torchvision/";
    private static final String[] TINY = {
        "--set",
        "shots_per_class=3",
        "--set",
        "val_per_class=1",
        "--set",
        "test_limit=10",
        "--set",
        "batch=30",
        "--set",
        "image_size=32",
        "--set",
        "epochs=1",
        "--set",
        "seed=3"
    };
    /** torchvision's DenseNet with the fixture's widths: strict load of our export, logits against torchvision's. */
    private static final String EXPORT_CHECK = """
            import sys
            try:
                import torch, torchvision, numpy as np
            except ImportError:
                print("NO_TORCH"); sys.exit(0)
            torch.set_num_threads(1)
            exported, x_file, logits_file = sys.argv[1:]
            sd = torch.load(exported, weights_only=True)
            net = torchvision.models.DenseNet(growth_rate=6, block_config=(6, 12, 24, 16), num_init_features=12,
                                              num_classes=10)
            net.load_state_dict(sd, strict=True)
            assert list(sd) == list(net.state_dict()), "key order"
            counters = [k for k in sd if k.endswith("num_batches_tracked")]
            assert counters and all(sd[k].dtype == torch.int64 and sd[k].shape == () for k in counters)
            with torch.no_grad():
                logits = net.eval().double()(torch.from_numpy(np.load(x_file)).double())
            diff = (logits - torch.from_numpy(np.load(logits_file))).abs().max().item()
            print("OK" if diff < 1e-4 else "logits differ by %g" % diff)
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void convertThenExportRoundTripsThroughTorchvision() throws IOException, InterruptedException {
        Path ckpt = tmp.resolve("densenet.ckpt");
        Path pth = Fixtures.path(DIR + "densenet121.pth");
        assertEquals(
                0,
                Main.run(
                        "convert", pth.toString(), "--model", "densenet121", "--size", "64", "--out", ckpt.toString()));
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.Loaded loaded = ModelCheckpoint.load(ckpt, m);
            assertEquals(Models.contract("densenet121", 64), loaded.input());
            NDArray logits = Autograd.noGrad(() -> loaded.model().forward(Fixtures.npy(m, DIR + "densenet121_x.npy")));
            Close.absolute(logits, Fixtures.npy(m, DIR + "densenet121_logits.npy"), 1e-4, "converted logits");
        }
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.copy(ckpt, run.resolve("best.ckpt"));
        Path exported = tmp.resolve("student.pth");
        assertEquals(0, Main.run("export", run.toString(), "--out", exported.toString()));
        e2kd.io.Fixtures.assertSameStateDict(PthReader.read(pth), PthReader.read(exported));

        String out = TorchPython.run(
                EXPORT_CHECK,
                exported,
                Fixtures.path(DIR + "densenet121_x.npy"),
                Fixtures.path(DIR + "densenet121_logits.npy"));
        TorchPython.requireTorch(out);
        assertEquals("OK", out.strip());
    }

    @Test
    void bcosConvertRecordsTheSixChannelContractAndExportKeepsB_cosV2Keys() {
        Path ckpt = tmp.resolve("bcos.ckpt");
        Path pth = Fixtures.path(DIR + "bcos_densenet121.pth");
        assertEquals(
                0,
                Main.run(
                        "convert",
                        "--weights",
                        pth.toString(),
                        "--model",
                        "bcos_densenet121",
                        "--out",
                        ckpt.toString()));
        assertEquals(
                2,
                Main.run(
                        "convert",
                        pth.toString(),
                        "--weights",
                        pth.toString(),
                        "--model",
                        "bcos_densenet121",
                        "--out",
                        ckpt.toString()));
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(
                    Models.contract("bcos_densenet121", 224),
                    ModelCheckpoint.load(ckpt, m).input());
        }
        Path exported = tmp.resolve("bcos.pth");
        assertEquals(0, Main.run("export", ckpt.toString(), "--out", exported.toString()));
        e2kd.io.Fixtures.assertSameStateDict(PthReader.read(pth), PthReader.read(exported));
    }

    /** A 1000-class B-cos teacher written as a PyTorch file, fine-tuned on the 10 Fashion-MNIST classes. */
    @Test
    void fineTuneFromAPyTorchFileWithANewHead() throws IOException {
        Path pth = tmp.resolve("imagenet_teacher.pth");
        try (NDManager m = NDManager.newBaseManager()) {
            PthWriter.write(
                    StateDicts.of(Models.create("bcos_resnet18", 1000, Map.of("stem", "small", "base", "4"), m)), pth);
        }
        String[] model = {"--set", "model=bcos_resnet18", "--set", "lr=1e-12"};
        String noReset = errorOf("train", "--out", tmp.resolve("a").toString(), "--init", pth.toString(), model);
        assertTrue(
                noReset.contains("1000 classes") && noReset.contains("10") && noReset.contains("--reset-head"),
                noReset);
        String wrongCount = errorOf(
                "train",
                "--out",
                tmp.resolve("b").toString(),
                "--init",
                pth.toString(),
                "--reset-head",
                "--classes",
                "5",
                model);
        assertTrue(wrongCount.contains("--classes 5") && wrongCount.contains("10 classes"), wrongCount);

        Path run = tmp.resolve("tuned");
        assertEquals(
                0,
                run(
                        "train",
                        "--out",
                        run.toString(),
                        "--weights",
                        pth.toString(),
                        "--model",
                        "bcos_resnet18",
                        "--reset-head",
                        "--classes",
                        "10",
                        "--set",
                        "lr=1e-12"));
        try (NDManager m = NDManager.newBaseManager()) {
            Model tuned = ModelCheckpoint.load(run.resolve("last.ckpt"), m).model();
            Model source = Pretrained.read(pth, "bcos_resnet18", Map.of(), m);
            assertEquals(10, tuned.spec().numClasses());
            assertEquals(
                    Map.of("stem", "small", "base", "4", "in_channels", "6"),
                    tuned.spec().options().asMap());
            Map<String, NDArray> before = source.parameters();
            tuned.parameters().forEach((key, value) -> {
                if (!key.startsWith("fc.")) { // lr 1e-12: one step leaves the body where the file put it
                    Close.absolute(value, before.get(key), 1e-6, key);
                }
            });
        }
    }

    @Test
    void distillFromAPyTorchTeacher() throws IOException {
        Path pth = Fixtures.path(DIR + "resnet18.pth");
        String[] student = {"--set", "model=resnet18", "--set", "model_options=base=4"};
        String missing = errorOf(
                "distill",
                "--out",
                tmp.resolve("x").toString(),
                "--teacher",
                pth.toString(),
                "--method",
                "e2kd",
                student);
        assertTrue(missing.contains("resnet18.pth") && missing.contains("--teacher-model"), missing);

        Path out = tmp.resolve("student");
        assertEquals(
                0,
                run(
                        "distill",
                        "--out",
                        out.toString(),
                        "--teacher",
                        pth.toString(),
                        "--teacher-model",
                        "resnet18",
                        "--method",
                        "e2kd",
                        student));
        JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
        double[] expected =
                RunFiles.recomputed(out, m -> e2kd.nn.weights.Pretrained.read(pth, "resnet18", java.util.Map.of(), m));
        assertEquals(expected[1], s.path("top1").asDouble(), 1e-12, "top-1 " + s);
        assertEquals(expected[2], s.path("agreement").asDouble(), 1e-12, "agreement " + s);
        // 32 px leaves ResNet-18's layer4 at 1×1: constant GradCAM maps, whose float32 cosine may exceed 1 by an ulp
        assertEquals(expected[3], s.path("explanation_similarity").asDouble(), 1e-5, "similarity " + s);
    }

    /** A PyTorch file is read the same way as a model and as a teacher: eval of a file against itself agrees fully. */
    @Test
    void evalAndPrecomputeReadPyTorchFilesWithTheTeacherSpelling() throws IOException {
        Path pth = Fixtures.path(DIR + "resnet18.pth");
        String[] classes =
                java.util.stream.IntStream.range(0, 10).mapToObj(i -> "c" + i).toArray(String[]::new);
        Path data = Cli.imageFolder(tmp.resolve("folder"), Map.of("val", 1), classes);
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        String out;
        try {
            out = Cli.stdout(
                    "eval",
                    pth.toString(),
                    "--model",
                    "resnet18",
                    "--size",
                    "32",
                    "--data",
                    data.toString(),
                    "--teacher",
                    pth.toString(),
                    "--teacher-model",
                    "resnet18",
                    "--threads",
                    "2");
            assertEquals(2, ai.djl.pytorch.jni.JniUtils.getNumThreads());
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(before);
        }
        JsonNode r = JSON.readTree(out);
        assertEquals(10, r.path("count").asInt(), out);
        assertEquals(1.0, r.path("agreement").asDouble(), 0, out);
        assertEquals(1.0, r.path("explanation_similarity").asDouble(), 1e-5, out);
        String missing = Cli.oneLineError("eval", pth.toString(), "--data", data.toString());
        assertTrue(missing.contains("resnet18.pth") && missing.contains("--model ID"), missing);

        Path frozen = tmp.resolve("frozen");
        JsonNode p = JSON.readTree(Cli.stdout(Cli.args(
                new String[] {
                    "precompute",
                    "--json",
                    "--teacher",
                    pth.toString(),
                    "--teacher-model",
                    "resnet18",
                    "--out",
                    frozen.toString(),
                    "--set",
                    "model=resnet18",
                    "--set",
                    "model_options=base=4"
                },
                TINY)));
        assertEquals(30, p.path("samples").asInt(), p.toString()); // TINY: 3 shots of 10 classes
        assertEquals(frozen.resolve("index.json").toString(), p.path("index").asText());
        assertTrue(Files.readString(frozen.resolve("index.json")).contains("\"resnet18\""));
    }

    /** Runs a command with the tiny run settings; parts are strings or string arrays, flattened in order. */
    private static int run(Object... parts) {
        List<String> all = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof String[] many) {
                all.addAll(Arrays.asList(many));
            } else {
                all.add((String) p);
            }
        }
        all.addAll(Arrays.asList(TINY));
        return Main.run(all.toArray(String[]::new));
    }

    /** The one-line error of a command expected to exit with 2. */
    private static String errorOf(Object... parts) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true));
        try {
            assertEquals(2, run(parts), err::toString);
        } finally {
            System.setErr(old);
        }
        String text = err.toString().strip();
        assertEquals(1, text.lines().count(), text);
        return text;
    }
}
