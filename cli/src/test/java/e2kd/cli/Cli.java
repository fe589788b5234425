package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import e2kd.nn.models.Models;
import e2kd.nn.weights.ModelCheckpoint;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/** Helpers for end-to-end tests through {@link Main#run}. */
final class Cli {
    /** A tiny B-cos run on the embedded Fashion-MNIST: 6 shots per class, 30 test images, one libtorch thread. */
    static final String[] TINY = {
        "--set",
        "model=bcos_resnet18",
        "--set",
        "model_options=stem=small,base=4",
        "--set",
        "shots_per_class=6",
        "--set",
        "val_per_class=2",
        "--set",
        "test_limit=30",
        "--set",
        "batch=30",
        "--set",
        "image_size=28",
        "--set",
        "scale_min=0.5",
        "--set",
        "seed=7",
        "--set",
        "threads=1"
    };

    private Cli() {}

    /**
     * Runs {@code e2kd.cli.Main args} in a child JVM (this test classpath) and SIGKILLs it when it prints a line
     * starting with {@code line}; fails when it never does or was not killed.
     */
    static void sigkillAt(String line, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("java.home") + "/bin/java",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "e2kd.cli.Main"));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TORCH_CPP_LOG_LEVEL", "ERROR");
        Process p = builder.start();
        StringBuilder seen = new StringBuilder();
        boolean reached = false;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l = out.readLine(); l != null; l = out.readLine()) {
                seen.append(l).append('\n');
                if (l.startsWith(line)) {
                    reached = true;
                    p.destroyForcibly();
                    break;
                }
            }
        } finally {
            p.destroyForcibly();
        }
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertTrue(reached, "never printed '" + line + "': " + seen);
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
    }

    /**
     * An image folder {@code root/SPLIT/CLASS/imgN.png} of 16 px images: {@code counts} images per class in each split
     * (in order), each class its own colour gradient.
     */
    /** A freshly initialised standard ResNet-18 checkpoint (small stem, base width {@code base}) at {@code size} px. */
    static Path resnet18(Path file, int classes, int base, int size) {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.save(
                    file,
                    Models.create("resnet18", classes, Map.of("stem", "small", "base", String.valueOf(base)), m),
                    Models.contract("resnet18", size),
                    null,
                    Map.of());
        }
        return file;
    }

    /** Cuts {@code image} to half its bytes, as a transfer that broke off would leave it. */
    static void truncate(Path image) throws IOException {
        byte[] bytes = Files.readAllBytes(image);
        Files.write(image, Arrays.copyOf(bytes, bytes.length / 2));
    }

    static Path imageFolder(Path root, Map<String, Integer> counts, String... classes) throws IOException {
        for (Map.Entry<String, Integer> split : counts.entrySet()) {
            for (int c = 0; c < classes.length; c++) {
                Path dir = Files.createDirectories(root.resolve(split.getKey()).resolve(classes[c]));
                for (int i = 0; i < split.getValue(); i++) {
                    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 16; y++) {
                        for (int x = 0; x < 16; x++) {
                            img.setRGB(x, y, c == 0 ? (x * 16 + i) << 16 : (y * 16 + i) << 8 | x * 9 * c);
                        }
                    }
                    ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
                }
            }
        }
        return root;
    }

    /** The parts joined in order (a later {@code --set} of a key wins). */
    static String[] args(String[]... parts) {
        List<String> all = new ArrayList<>();
        for (String[] p : parts) {
            all.addAll(Arrays.asList(p));
        }
        return all.toArray(String[]::new);
    }

    /** What a command printed on stdout and stderr, and its exit code. */
    record Output(int code, String out, String err) {}

    /** Runs a command, capturing what it prints. */
    static Output run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs a command that must succeed (exit 0); returns what it printed on stdout. */
    static String stdout(String... args) {
        Output o = run(args);
        assertEquals(0, o.code(), String.join(" ", args) + "\n" + o.err());
        return o.out();
    }

    /** Runs a command that must succeed (exit 0); returns what it printed on stderr. */
    static String stderr(String... args) {
        Output o = run(args);
        assertEquals(0, o.code(), String.join(" ", args) + "\n" + o.err());
        return o.err();
    }

    /** Runs a command that must fail with exit 2 and a one-line message on stderr; returns that line. */
    static String oneLineError(String... args) {
        Output o = run(args);
        String text = o.err().strip();
        assertEquals(2, o.code(), text);
        assertFalse(text.contains("\n"), text);
        return text;
    }
}
