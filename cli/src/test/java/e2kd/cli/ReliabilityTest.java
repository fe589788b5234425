package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.data.FashionMnist;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.weights.ModelCheckpoint;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8: numerical faults in a run, an unwritable output folder, and a corpus of broken inputs, each ending in a
 * one-line error that names the file (or step) and the problem, never a stack trace or an OutOfMemoryError.
 */
class ReliabilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> TINY_OPTIONS = Map.of("stem", "small", "base", "4");

    @TempDir
    Path tmp;

    /** A teacher whose weights hold a NaN makes every loss NaN: with on_nonfinite=stop the first step ends the run. */
    @Test
    void nonFiniteLossStopsTheRunNamingStepAndBatchIndices() throws IOException {
        Path teacher = checkpoint("nan-teacher.ckpt", true);
        String error = Cli.oneLineError(Cli.args(
                new String[] {
                    "distill",
                    "--teacher",
                    teacher.toString(),
                    "--method",
                    "e2kd",
                    "--out",
                    tmp.resolve("stop").toString(),
                    "--set",
                    "epochs=1",
                    "--set",
                    "on_nonfinite=stop"
                },
                Cli.TINY));
        assertTrue(
                error.contains("step 1 (epoch 1): loss or gradients not finite, update not applied; batch sample "
                                + "indices [")
                        && error.contains("stopped (on_nonfinite=stop)"),
                error);
    }

    /** With on_nonfinite=skip every poisoned step is skipped and counted, and the student is never updated. */
    @Test
    void nonFiniteStepsAreSkippedCountedAndNeverApplied() throws IOException {
        Path teacher = checkpoint("nan-teacher.ckpt", true);
        Path run = tmp.resolve("skip");
        assertEquals(
                0,
                Main.run(Cli.args(
                        new String[] {
                            "distill",
                            "--teacher",
                            teacher.toString(),
                            "--method",
                            "kd",
                            "--out",
                            run.toString(),
                            "--set",
                            "epochs=1"
                        },
                        Cli.TINY)));
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        assertEquals(
                summary.path("steps").asLong(), summary.path("skipped_steps").asLong(), summary.toString());
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(7);
            Model fresh = Models.create("bcos_resnet18", 10, TINY_OPTIONS, m);
            Model trained = ModelCheckpoint.load(run.resolve("last.ckpt"), m).model();
            for (Map.Entry<String, NDArray> e : fresh.parameters().entrySet()) {
                assertEquals(
                        e.getValue(), trained.parameters().get(e.getKey()), "parameter " + e.getKey() + " changed");
            }
        }
    }

    @Test
    void outputFolderThatCannotBeCreatedFailsBeforeAnyWork() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        String error = Cli.oneLineError(
                Cli.args(new String[] {"train", "--out", file.resolve("run").toString()}, Cli.TINY));
        assertTrue(
                error.contains(file.resolve("run").toString()) && error.contains("cannot write run directory"), error);
    }

    @Test
    void aRunDirectoryInUseByAnotherProcessIsRefused() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("busy"));
        Process holder = new ProcessBuilder(
                        System.getProperty("java.home") + "/bin/java",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LockHolder.class.getName(),
                        run.resolve(".lock").toString())
                .redirectErrorStream(true)
                .start();
        try {
            assertEquals("locked", new String(holder.getInputStream().readNBytes(6)));
            String error = Cli.oneLineError(Cli.args(new String[] {"train", "--out", run.toString()}, Cli.TINY));
            assertTrue(error.contains(run + ": run directory is in use by another e2kd process"), error);
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    /** Holds a file lock (as a running e2kd process holds its run folder) until killed. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                    Path.of(args[0]),
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.lock();
                System.out.print("locked");
                System.out.flush();
                Thread.sleep(60_000);
            }
        }
    }

    /** Every broken input, fed to the command that reads it. */
    @Test
    void brokenInputCorpusGivesOneLineErrorsNamingTheFile() throws IOException {
        Path ckpt = checkpoint("model.ckpt", false);
        Map<String, String[]> cases = new LinkedHashMap<>();
        byte[] png = png();
        Path truncatedPng = write("truncated.png", Arrays.copyOf(png, png.length / 2));
        cases.put(truncatedPng.toString(), explain(ckpt, truncatedPng));
        Path truncatedJpeg = write("truncated.jpg", Arrays.copyOf(jpeg(), 200));
        cases.put(truncatedJpeg.toString(), explain(ckpt, truncatedJpeg));
        Path zero = write("zero-bytes.png", new byte[0]);
        cases.put(zero.toString(), explain(ckpt, zero));
        Path idx = hugeIdxFolder();
        cases.put(
                idx.resolve("train-images-idx3-ubyte").toString(),
                Cli.args(
                        new String[] {"train", "--out", tmp.resolve("r1").toString(), "--data", idx.toString()},
                        Cli.TINY));
        Path yaml = Files.writeString(tmp.resolve("bad.yaml"), "epochs: [1, 2\nlr: 0.1\n");
        cases.put(
                yaml.toString(),
                Cli.args(
                        new String[] {"train", "--out", tmp.resolve("r2").toString(), "--config", yaml.toString()},
                        Cli.TINY));
        Path json = Files.writeString(tmp.resolve("bad.json"), "{\"epochs\": 3,, }");
        cases.put(
                json.toString(),
                Cli.args(
                        new String[] {"train", "--out", tmp.resolve("r3").toString(), "--config", json.toString()},
                        Cli.TINY));
        Path voc = vocWithBoxOutsideTheImage();
        cases.put(
                voc.resolve("Annotations/000001.xml").toString(),
                new String[] {"eval", ckpt.toString(), "--data", voc.toString(), "--split", "all"});
        Path waterbirds = Files.createDirectories(tmp.resolve("waterbirds"));
        Files.writeString(waterbirds.resolve("metadata.csv"), "img_filename,y,split\na.png,0,2\n");
        cases.put(
                waterbirds.resolve("metadata.csv").toString(),
                new String[] {"eval", ckpt.toString(), "--data", waterbirds.toString()});
        Path truncatedCkpt = write("truncated.ckpt", Arrays.copyOf(Files.readAllBytes(ckpt), 300));
        cases.put(truncatedCkpt.toString(), new String[] {"eval", truncatedCkpt.toString(), "--data", "fashion-mnist"});
        Path pthAsCheckpoint = write("weights.pth", "not a zip".getBytes());
        cases.put(pthAsCheckpoint.toString(), explain(pthAsCheckpoint, truncatedPng));
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            String error = Cli.oneLineError(c.getValue());
            assertTrue(
                    error.startsWith("e2kd: ") && error.contains(c.getKey()),
                    "should name " + c.getKey() + ": " + error);
            assertFalse(error.contains("Exception") || error.contains("OutOfMemory"), error);
        }
    }

    private String[] explain(Path checkpoint, Path image) {
        return new String[] {
            "explain",
            "--checkpoint",
            checkpoint.toString(),
            "--image",
            image.toString(),
            "--out",
            tmp.resolve("map.npy").toString()
        };
    }

    private Path checkpoint(String name, boolean poisoned) {
        Path file = tmp.resolve(name);
        try (NDManager m = NDManager.newBaseManager()) {
            Model model = Models.create("bcos_resnet18", 10, TINY_OPTIONS, m);
            if (poisoned) {
                model.parameters()
                        .get("conv1.linear.weight")
                        .set(new ai.djl.ndarray.index.NDIndex("0, 0, 0, 0"), Float.NaN);
            }
            ModelCheckpoint.save(file, model, Models.contract("bcos_resnet18", 28), null, Map.of());
        }
        return file;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    private static byte[] png() throws IOException {
        return encode(new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB), "png");
    }

    private static byte[] jpeg() throws IOException {
        return encode(new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB), "jpg");
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    /** Fashion-MNIST files whose training images declare 2^31 − 1 images of 28×28 in a 16-byte file. */
    private Path hugeIdxFolder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("fmnist"));
        for (String name :
                new String[] {"train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            try (InputStream in = FashionMnist.class.getResourceAsStream(FashionMnist.RESOURCE_DIR + name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
        Files.write(
                dir.resolve("train-images-idx3-ubyte"),
                ByteBuffer.allocate(16)
                        .putInt(0x803)
                        .putInt(Integer.MAX_VALUE)
                        .putInt(28)
                        .putInt(28)
                        .array());
        return dir;
    }

    /** One 28×28 JPEG whose annotation puts a box at x 10..40, past the image's right edge. */
    private Path vocWithBoxOutsideTheImage() throws IOException {
        Path root = tmp.resolve("voc");
        Files.createDirectories(root.resolve("JPEGImages"));
        Files.createDirectories(root.resolve("Annotations"));
        Files.write(root.resolve("JPEGImages/000001.jpg"), jpeg());
        Files.writeString(
                root.resolve("Annotations/000001.xml"),
                "<annotation><filename>000001.jpg</filename>"
                        + "<size><width>28</width><height>28</height><depth>3</depth></size>"
                        + "<object><name>dog</name><bndbox><xmin>10</xmin><ymin>5</ymin><xmax>40</xmax><ymax>20</ymax>"
                        + "</bndbox></object></annotation>");
        return root;
    }
}
