package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.data.CompositeScenes;
import e2kd.data.DataLoader;
import e2kd.data.Encoding;
import e2kd.data.EvalTransform;
import e2kd.data.FashionMnist;
import e2kd.data.Waterbirds;
import e2kd.eval.GroupAccuracy;
import e2kd.eval.Predictions;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.weights.ModelCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code e2kd eval} on a Waterbirds-layout folder adds the group section, equal to GroupAccuracy computed directly. */
class EvalGroupsTest {
    @Test
    void waterbirdsFolderGetsPerGroupWorstGroupAndInOutOfDistributionTop1(@TempDir Path tmp) throws Exception {
        Path scenes = tmp.resolve("scenes");
        CompositeScenes.shortcut(5)
                .write(
                        scenes,
                        FashionMnist.CLASS_NAMES,
                        List.of(new CompositeScenes.Part(
                                Waterbirds.TEST,
                                FashionMnist.embedded()
                                        .test()
                                        .subset(IntStream.range(0, 60).toArray()),
                                0.3)));
        Path ckpt = tmp.resolve("model.ckpt");
        GroupAccuracy expected;
        try (NDManager m = NDManager.newBaseManager()) {
            Model model = Models.create("bcos_resnet18", 10, Map.of("stem", "small", "base", "4"), m);
            InputContract contract = Models.contract("bcos_resnet18", 32);
            ModelCheckpoint.save(ckpt, model, contract, null, Map.of());
            Waterbirds test = Waterbirds.open(scenes).split(Waterbirds.TEST);
            DataLoader loader = DataLoader.builder(test, 32)
                    .augmentation(EvalTransform.standard(32))
                    .encoding(Encoding.bcos())
                    .prefetch(1)
                    .build();
            expected = GroupAccuracy.of(Predictions.top1(model, loader, m), test.labels(), test.places());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true));
        try {
            assertEquals(0, Main.run("eval", ckpt.toString(), "--data", scenes.toString()));
        } finally {
            System.setOut(old);
        }
        JsonNode groups = new ObjectMapper().readTree(out.toString()).path("groups");
        assertEquals(expected.inCount(), groups.path("in_distribution_count").asInt(), out.toString());
        assertEquals(
                expected.outCount(), groups.path("out_of_distribution_count").asInt());
        assertEquals(60, expected.inCount() + expected.outCount());
        assertEquals(
                expected.outOfDistribution(),
                groups.path("top1_out_of_distribution").asDouble(),
                1e-12);
        assertEquals(
                expected.worstGroup().accuracy(),
                groups.path("worst_group").path("accuracy").asDouble(),
                1e-12);
        assertEquals(expected.groups().size(), groups.path("groups").size());

        // CUB's box files name Waterbirds' images: here each box is the whole 32 px scene, so all energy is inside
        Waterbirds test = Waterbirds.open(scenes).split(Waterbirds.TEST);
        Path cub = Files.createDirectories(tmp.resolve("CUB_200_2011"));
        StringBuilder images = new StringBuilder();
        StringBuilder boxes = new StringBuilder();
        for (int i = 0; i < test.size(); i++) {
            images.append(i + 1)
                    .append(' ')
                    .append(scenes.toAbsolutePath().relativize(test.file(i)))
                    .append('\n');
            boxes.append(i + 1).append(" 0.0 0.0 32.0 32.0\n");
        }
        Files.writeString(cub.resolve("images.txt"), images);
        Files.writeString(cub.resolve("bounding_boxes.txt"), boxes);
        JsonNode loc = new ObjectMapper()
                .readTree(Cli.stdout(
                        "eval",
                        ckpt.toString(),
                        "--data",
                        scenes.toString(),
                        "--boxes",
                        cub.resolve("bounding_boxes.txt").toString()))
                .path("localization");
        assertEquals(60, loc.path("count").asInt(), loc.toString());
        assertEquals(1.0, loc.path("epg").asDouble(), 1e-9, loc.toString());
    }
}
