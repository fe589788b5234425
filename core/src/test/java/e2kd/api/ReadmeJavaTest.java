package e2kd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import e2kd.JavaSnippets;
import e2kd.data.FashionMnist;
import e2kd.data.LabeledDataset;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.weights.ModelCheckpoint;
import java.awt.image.BufferedImage;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use from Java" snippets, exactly as written there, compiled against the library and run on a tiny
 * B-cos checkpoint, a standard ResNet checkpoint, a Fashion-MNIST image and embedded Fashion-MNIST splits.
 */
class ReadmeJavaTest {
    private static final String PARAMETERS = "Path checkpoint, Path resnetCheckpoint, Path image, Path picture, "
            + "Path teacher, LabeledDataset train, LabeledDataset val, LabeledDataset test, Path out";

    @TempDir
    Path tmp;

    @Test
    void snippetsCompileAndRun() throws Exception {
        List<String> snippets = snippets(Files.readString(Path.of("README.md")));
        assertEquals(3, snippets.size(), "java blocks under 'Use from Java'");
        Path bcos = checkpoint("bcos_resnet18");
        Path resnet = checkpoint("resnet18");
        Path image = tmp.resolve("x.png");
        BufferedImage picture = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        picture.setRGB(10, 10, 0xffffff);
        ImageIO.write(picture, "png", image.toFile());
        FashionMnist f = FashionMnist.embedded();
        LabeledDataset train = f.train().subset(IntStream.range(0, 60).toArray());
        LabeledDataset val = f.train().subset(IntStream.range(60, 80).toArray());
        LabeledDataset test = f.test().subset(IntStream.range(0, 20).toArray());

        Path classes = tmp.resolve("classes");
        Path sources = tmp.resolve("sources");
        Files.createDirectories(classes);
        Files.createDirectories(sources);
        for (int i = 0; i < snippets.size(); i++) {
            Path file = sources.resolve("Snippet" + i + ".java");
            Files.writeString(
                    file,
                    "import e2kd.api.*;\nimport e2kd.data.LabeledDataset;\nimport java.nio.file.Path;\n"
                            + "import java.util.Map;\npublic class Snippet" + i + " {\n    public static void run("
                            + PARAMETERS
                            + ") throws Exception {\n" + snippets.get(i) + "\n    }\n}\n");
            JavaSnippets.compile(file, classes, "README snippet " + i + ":\n" + snippets.get(i) + "\n");
        }
        try (URLClassLoader loader = new URLClassLoader(
                new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            for (int i = 0; i < snippets.size(); i++) {
                Path out = tmp.resolve("picture" + i + ".png");
                Path run = tmp.resolve("run" + i);
                loader.loadClass("Snippet" + i)
                        .getMethod(
                                "run",
                                Path.class,
                                Path.class,
                                Path.class,
                                Path.class,
                                Path.class,
                                LabeledDataset.class,
                                LabeledDataset.class,
                                LabeledDataset.class,
                                Path.class)
                        .invoke(null, bcos, resnet, image, out, bcos, train, val, test, run);
                assertTrue(
                        Files.exists(out) || Files.exists(run.resolve("summary.json")),
                        "snippet " + i + " made nothing");
            }
        }
        assertTrue(ImageIO.read(tmp.resolve("picture0.png").toFile()).getWidth() == 28, "W(x) picture at 28 px");
        assertTrue(Files.exists(tmp.resolve("picture1.png")), "GradCAM picture");
        assertTrue(
                Files.readString(tmp.resolve("run2/config.yaml")).contains("explanation"),
                "the builder's terms are the run's objective");
    }

    /** The java blocks of the README's "Use from Java" section. */
    private static List<String> snippets(String readme) {
        int start = readme.indexOf("## Use from Java");
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(section);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private Path checkpoint(String id) {
        Path file = tmp.resolve(id + ".ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            Model model = Models.create(id, 10, Map.of("stem", "small", "base", "4"), m);
            ModelCheckpoint.save(file, model, Models.contract(id, 28), null, Map.of());
        }
        return file;
    }
}
