package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.data.FashionMnist;
import e2kd.nn.models.Models;
import e2kd.nn.weights.ModelCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to the run commands: each a one-line error (exit 2) that names the file or key. */
class BadInputRunsTest {
    private static final String[] FOLDER = {
        "--set",
        "data=image-folder",
        "--set",
        "model=resnet18",
        "--set",
        "model_options=stem=small,base=2",
        "--set",
        "image_size=16",
        "--set",
        "shots_per_class=3",
        "--set",
        "val_per_class=1",
        "--set",
        "epochs=1",
        "--set",
        "batch=8",
        "--set",
        "threads=1"
    };

    @TempDir
    Path tmp;

    @Test
    void truncatedImageInAFolderIsNamedOrSkippedAndCounted() throws IOException {
        Path root = imageFolder();
        Path bad = root.resolve("train/b/img2.png");
        byte[] png = Files.readAllBytes(bad);
        Files.write(bad, Arrays.copyOf(png, png.length / 2));
        String error = Cli.oneLineError(Cli.args(
                new String[] {"train", "--out", tmp.resolve("run").toString(), "--data", root.toString()}, FOLDER));
        assertTrue(error.startsWith("e2kd: " + bad) && error.contains("corrupt or truncated"), error);

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true));
        int code;
        try {
            code = Main.run(Cli.args(
                    new String[] {
                        "train", "--out", tmp.resolve("skip").toString(), "--data", root.toString(), "--skip-bad-images"
                    },
                    FOLDER,
                    new String[] {"--set", "shots_per_class=2"}));
        } finally {
            System.setErr(old);
        }
        assertEquals(0, code, err.toString());
        assertTrue(
                err.toString().contains("skipped 1 unreadable image file(s)")
                        && err.toString().contains("img2.png"),
                err.toString());
        assertEquals(
                1,
                new ObjectMapper()
                        .readTree(tmp.resolve("skip/summary.json").toFile())
                        .path("skipped_images")
                        .asInt());
    }

    @Test
    void idxFileWithWrongMagicIsNamed() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("fmnist"));
        for (String name :
                new String[] {"train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            try (InputStream in = FashionMnist.class.getResourceAsStream(FashionMnist.RESOURCE_DIR + name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
        Path images = dir.resolve("train-images-idx3-ubyte");
        Files.write(images, new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28});
        String error = Cli.oneLineError(
                "train", "--out", tmp.resolve("run").toString(), "--data", dir.toString(), "--set", "threads=1");
        assertTrue(error.contains("train-images-idx3-ubyte") && error.contains("wrong magic number 2049"), error);
    }

    @Test
    void unknownKeyInAConfigFileNamesFileAndKey() throws IOException {
        Path config = tmp.resolve("run.yaml");
        Files.writeString(config, "epochs: 2\nlearning_rate: 0.1\n");
        String error = Cli.oneLineError("train", "--out", tmp.resolve("run").toString(), "--config", config.toString());
        assertTrue(error.contains("'learning_rate'") && error.contains(config.toString()), error);
    }

    @Test
    void teacherOfTheWrongModelFamilyOrNoCheckpointIsNamed() throws IOException {
        Path standard = tmp.resolve("standard.ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.save(
                    standard,
                    Models.create("resnet18", 10, Map.of("stem", "small", "base", "2"), m),
                    Models.contract("resnet18", 28),
                    null,
                    Map.of());
        }
        String error = Cli.oneLineError(
                "distill",
                "--out",
                tmp.resolve("s").toString(),
                "--teacher",
                standard.toString(),
                "--method",
                "kd",
                "--set",
                "model=bcos_resnet18",
                "--set",
                "threads=1");
        assertTrue(
                error.startsWith("e2kd: " + standard)
                        && error.contains("teacher resnet18 expects mean-std input")
                        && error.contains("bcos_resnet18"),
                error);
        Path notACheckpoint = tmp.resolve("notes.ckpt");
        Files.writeString(notACheckpoint, "not a checkpoint");
        String garbage = Cli.oneLineError(
                "distill",
                "--out",
                tmp.resolve("t").toString(),
                "--teacher",
                notACheckpoint.toString(),
                "--method",
                "kd",
                "--set",
                "threads=1");
        assertTrue(garbage.startsWith("e2kd: " + notACheckpoint), garbage);
    }

    /** root/{train,val}/{a,b}/imgN.png, 16×16 RGB: 4 training and 2 validation images per class. */
    private Path imageFolder() throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("train", 4);
        counts.put("val", 2);
        return Cli.imageFolder(tmp.resolve("images"), counts, "a", "b");
    }
}
