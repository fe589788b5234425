package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train / distill --data tell the layout as eval does; --dry-run prints the resolved config; --batch, --json. */
class DataOptionsTest {
    @TempDir
    Path tmp;

    private static JsonNode dryRun(String... args) throws IOException {
        return new YAMLMapper().readTree(Cli.stdout(Cli.args(new String[] {"train", "--dry-run"}, args)));
    }

    @Test
    void dataFolderLayoutIsDetectedAndTheResolvedConfigPrinted() throws IOException {
        Path folder = Cli.imageFolder(tmp.resolve("folder"), Map.of("train", 1, "val", 1), "a", "b");
        JsonNode c = dryRun("--data", folder.toString(), "--batch", "7", "--threads", "2");
        assertEquals("image-folder", c.get("data").asText());
        assertEquals(folder.toString(), c.get("data_dir").asText());
        assertEquals(7, c.get("batch").asInt());
        assertEquals(2, c.get("threads").asInt());

        Path birds = Files.createDirectories(tmp.resolve("birds"));
        Files.writeString(birds.resolve("metadata.csv"), "img_filename,y,place,split\n");
        c = dryRun("--preset", "fmnist-teacher", "--data", birds.toString());
        assertEquals("waterbirds", c.get("data").asText());
        assertEquals(birds.toString(), c.get("data_dir").asText());
        assertEquals(
                "image-folder",
                dryRun("--data", birds.toString(), "--set", "data=image-folder")
                        .get("data")
                        .asText());

        c = dryRun("--config", folderConfig(folder).toString(), "--data", "fashion-mnist");
        assertEquals("fashion-mnist", c.get("data").asText());
        assertEquals("", c.get("data_dir").asText());

        Path voc = Files.createDirectories(tmp.resolve("voc/JPEGImages"));
        Files.createDirectories(voc.resolveSibling("Annotations"));
        c = new YAMLMapper()
                .readTree(Cli.stdout(
                        "distill", "--dry-run", "--data", voc.getParent().toString(), "--method", "kd"));
        assertEquals("voc", c.get("data").asText());
        assertEquals("sigmoid_kd", c.at("/loss/0/name").asText(), "VOC is multi-label: KD on sigmoids");
        assertEquals(
                "voc", dryRun("--data", voc.getParent().toString()).get("data").asText());
        String error = Cli.oneLineError(
                "distill", "--dry-run", "--data", tmp.resolve("missing").toString(), "--method", "kd");
        assertTrue(error.contains("missing is neither fashion-mnist nor a folder"), error);
    }

    /** config show prints what --dry-run prints, as YAML or JSON, and a run folder's config with --set on top. */
    @Test
    void configShowResolvesLikeTrainAndReadsRunFolders() throws IOException {
        Path folder = Cli.imageFolder(tmp.resolve("folder"), Map.of("train", 1, "val", 1), "a", "b");
        String[] options = {"--preset", "fmnist-e2kd", "--data", folder.toString(), "--set", "lambda=3"};
        String yaml = Cli.stdout(Cli.args(new String[] {"config", "show"}, options));
        assertEquals(Cli.stdout(Cli.args(new String[] {"distill", "--dry-run"}, options)), yaml);
        JsonNode json =
                new ObjectMapper().readTree(Cli.stdout(Cli.args(new String[] {"config", "show", "--json"}, options)));
        assertEquals(new YAMLMapper().readTree(yaml), json);
        assertEquals(3.0, json.at("/loss/1/weight").asDouble(), json.toString());

        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("config.yaml"), yaml);
        JsonNode again = new YAMLMapper().readTree(Cli.stdout("config", "show", run.toString(), "--set", "epochs=3"));
        assertEquals(3, again.get("epochs").asInt());
        assertEquals(folder.toString(), again.get("data_dir").asText());
        String missing = Cli.oneLineError("config", "show", tmp.resolve("none").toString());
        assertTrue(missing.contains("none") && missing.contains("not a run folder"), missing);
        assertTrue(Cli.oneLineError("config", "show", "--set", "nonsense=1").contains("unknown config key 'nonsense'"));
        assertEquals(2, Main.run("config"));
    }

    /** A config file naming {@code folder} as an image folder. */
    private Path folderConfig(Path folder) throws IOException {
        return Files.writeString(tmp.resolve("folder.yaml"), "data: image-folder\ndata_dir: " + folder + "\n");
    }

    @Test
    void jsonPrintsTheSummary() throws IOException {
        Path run = tmp.resolve("run");
        String out = Cli.stdout(
                Cli.args(new String[] {"train", "--json", "--out", run.toString(), "--set", "epochs=1"}, Cli.TINY));
        JsonNode printed = new ObjectMapper().readTree(out);
        assertEquals(new ObjectMapper().readTree(run.resolve("summary.json").toFile()), printed);
        assertTrue(printed.get("provenance").has("libtorch_version"), out);

        Path sweep = tmp.resolve("sweep");
        JsonNode swept = new ObjectMapper()
                .readTree(Cli.stdout(Cli.args(
                        new String[] {"sweep", "--json", "--grid", "epochs=1", "--out", sweep.toString()}, Cli.TINY)));
        assertEquals(new ObjectMapper().readTree(sweep.resolve("sweep.json").toFile()), swept);
        assertEquals("epochs=1", swept.at("/winner/values").asText());
    }
}
