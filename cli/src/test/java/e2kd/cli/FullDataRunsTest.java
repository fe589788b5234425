package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All of a data set: every training image ({@code shots_per_class: all}) with the folder's own validation split and
 * test split, and a class-mapped teacher of more classes than the data has (its bad maps refused, naming the class).
 */
class FullDataRunsTest {
    private static final String[] SMALL = {
        "--set",
        "model_options=stem=small,base=4",
        "--set",
        "image_size=16",
        "--set",
        "batch=4",
        "--set",
        "epochs=1",
        "--set",
        "threads=1",
        "--set",
        "workers=2"
    };

    @TempDir
    Path tmp;

    private Path folder() throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("train", 5);
        counts.put("val", 2);
        counts.put("test", 3);
        return Cli.imageFolder(tmp.resolve("images"), counts, "a", "b", "c");
    }

    @Test
    void everyTrainingImageWithTheFoldersOwnValidationAndTestSplits() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(
                0,
                Main.run(Cli.args(
                        new String[] {
                            "train",
                            "--out",
                            run.toString(),
                            "--data",
                            folder().toString(),
                            "--set",
                            "data=image-folder",
                            "--set",
                            "model=resnet18",
                            "--set",
                            "shots_per_class=all",
                            "--set",
                            "val_per_class=own"
                        },
                        SMALL)));
        JsonNode summary =
                new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertEquals(4, summary.path("steps").asInt(), "15 training images in batches of 4");
        assertEquals(9, summary.path("test_count").asInt(), "the test split");
        String error = Cli.oneLineError(
                Cli.args(new String[] {"train", "--out", tmp.resolve("x").toString()}, SMALL, new String[] {
                    "--set", "val_per_class=own"
                }));
        assertTrue(error.contains("val_per_class=own") && error.contains("Fashion-MNIST"), error);
    }

    @Test
    void aTeacherOfMoreClassesDistilsThroughItsClassMap() throws IOException {
        Path data = folder();
        Path teacher = Cli.resnet18(tmp.resolve("teacher.ckpt"), 6, 4, 16);
        Path map = tmp.resolve("map.yaml");
        String[] distill = {
            "distill",
            "--data",
            data.toString(),
            "--teacher",
            teacher.toString(),
            "--method",
            "e2kd",
            "--set",
            "data=image-folder",
            "--set",
            "model=resnet18",
            "--set",
            "shots_per_class=all",
            "--set",
            "val_per_class=own",
            "--set",
            "class_map=" + map
        };
        Files.writeString(map, "a: 5\nb: 0\nc: 3\n");
        Path run = tmp.resolve("mapped");
        assertEquals(0, Main.run(Cli.args(distill, SMALL, new String[] {"--out", run.toString()})));
        assertTrue(new ObjectMapper()
                .readTree(run.resolve("summary.json").toFile())
                .path("agreement")
                .isNumber());

        Files.writeString(map, "a: 5\nb: 0\n");
        String missing = Cli.oneLineError(Cli.args(
                distill, SMALL, new String[] {"--out", tmp.resolve("m1").toString()}));
        assertTrue(missing.contains(map.toString()) && missing.contains("'c' is not mapped"), missing);
        Files.writeString(map, "a: 5\nb: 0\nc: 0\n");
        String twice = Cli.oneLineError(Cli.args(
                distill, SMALL, new String[] {"--out", tmp.resolve("m2").toString()}));
        assertTrue(twice.contains("'b' and 'c' both map to teacher class 0"), twice);
        Files.writeString(map, "a: 5\nb: 0\nc: 6\n");
        String range = Cli.oneLineError(Cli.args(
                distill, SMALL, new String[] {"--out", tmp.resolve("m3").toString()}));
        assertTrue(range.contains("outside the teacher's classes 0..5"), range);
    }
}
