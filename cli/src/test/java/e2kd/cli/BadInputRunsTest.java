package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.data.FashionMnist;
import e2kd.io.NpyReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Cli.truncate(bad);
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
                    new String[] {"--set", "workers=2"}));
        } finally {
            System.setErr(old);
        }
        assertEquals(0, code, err.toString());
        assertTrue(
                err.toString().contains("skipped 1 unreadable image file(s) (skip_bad_images): " + bad + ": corrupt"),
                err.toString());
        JsonNode summary =
                new ObjectMapper().readTree(tmp.resolve("skip/summary.json").toFile());
        assertEquals(1, summary.path("skipped_images").asInt());
        assertEquals("[\"" + bad + "\"]", summary.path("skipped_image_files").toString());

        String[] eval = {"eval", tmp.resolve("skip").toString(), "--data", root.toString(), "--split", "train"};
        String stopped = Cli.oneLineError(eval);
        assertTrue(stopped.startsWith("e2kd: " + bad + ": corrupt or truncated image"), stopped);
        JsonNode evaluated =
                new ObjectMapper().readTree(Cli.stdout(Cli.args(eval, new String[] {"--skip-bad-images"})));
        assertEquals(7, evaluated.path("count").asInt(), "8 training images but the unreadable one");
        assertEquals("[\"" + bad + "\"]", evaluated.path("skipped_image_files").toString());
    }

    /**
     * precompute with --skip-bad-images stores zeros for an unreadable training image (its row is never read) and the
     * frozen run that follows skips the same file.
     */
    @Test
    void precomputeLeavesAnUnreadableImagesRowZeroAndTheFrozenRunSkipsIt() throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("train", 4);
        counts.put("val", 1);
        counts.put("test", 1);
        Path root = Cli.imageFolder(tmp.resolve("images"), counts, "a", "b");
        Path bad = root.resolve("train/b/img2.png");
        Cli.truncate(bad);
        Path teacher = Cli.resnet18(tmp.resolve("teacher.ckpt"), 2, 2, 16);
        String[] all = {
            "--data", root.toString(), "--skip-bad-images", "--set", "shots_per_class=all", "--set", "val_per_class=own"
        };
        Path frozen = tmp.resolve("frozen");
        String printed = Cli.stdout(Cli.args(
                new String[] {
                    "precompute", "--teacher", teacher.toString(), "--out", frozen.toString(), "--shard-size", "3"
                },
                FOLDER,
                all));
        assertTrue(
                printed.contains("8 samples: 3 shards written") && printed.contains("1 unreadable image(s)"), printed);
        JsonNode index =
                new ObjectMapper().readTree(frozen.resolve("index.json").toFile());
        int position = -1;
        for (int p = 0; p < 8; p++) {
            if (index.path("source_indices").get(p).asInt() == 6) { // train/b/img2.png: 4 of class a, then img0..
                position = p;
            }
        }
        float[] logits = NpyReader.read(frozen.resolve(String.format("logits-%05d.npy", position / 3)))
                .toFloatArray();
        for (int row = 0; row * 2 < logits.length; row++) {
            boolean zero = logits[2 * row] == 0 && logits[2 * row + 1] == 0;
            assertEquals(row == position % 3, zero, "row " + row + " of shard " + position / 3);
        }
        Path run = tmp.resolve("student");
        assertEquals(
                0,
                Main.run(Cli.args(
                        new String[] {
                            "distill", "--out", run.toString(), "--method", "kd-frozen", "--frozen", frozen.toString()
                        },
                        FOLDER,
                        all,
                        new String[] {"--set", "workers=3"})));
        assertEquals(
                1,
                new ObjectMapper()
                        .readTree(run.resolve("summary.json").toFile())
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
        Path standard = Cli.resnet18(tmp.resolve("standard.ckpt"), 10, 2, 28);
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
