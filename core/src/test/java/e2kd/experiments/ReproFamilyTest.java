package e2kd.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.Model;
import e2kd.nn.Taps;
import e2kd.nn.models.Models;
import e2kd.train.ConfigLoader;
import e2kd.train.TrainConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fewshot families at another input size: configs of teacher and students, and the layer-4 map that gives. */
class ReproFamilyTest {
    @Test
    void aSizedVariantTrainsTeacherAndStudentsAtThatSizeInFoldersOfItsOwn(@TempDir Path out) {
        ReproRuns r = new ReproRuns(
                out, true, true, 1, 1, null, Workers.IN_PROCESS, new PrintStream(OutputStream.nullOutputStream()));
        ReproFamily plain = ReproFamily.named("std");
        ReproFamily sized = plain.at(56);
        assertEquals("std-56px", sized.name());
        assertEquals("ResNet-18 + GradCAM at 56 px", sized.title());
        assertEquals(28, plain.teacherConfig(r).imageSize(), "the presets' size");
        assertEquals(56, sized.teacherConfig(r).imageSize());
        TrainConfig student =
                sized.student(r, out.resolve("teachers/fmnist-std-56px"), "e2kd", 10, 2, List.of("lambda=5"));
        assertEquals(56, student.imageSize());
        assertEquals(5.0, student.lambda());
        assertEquals("gradcam", student.explainer());
        // apart from the size, the variant's runs are the family's own
        TrainConfig same =
                plain.student(r, out.resolve("teachers/fmnist-std-56px"), "e2kd", 10, 2, List.of("lambda=5"));
        assertEquals(
                ConfigLoader.toYaml(same).replace("image_size: 28", "image_size: 56"), ConfigLoader.toYaml(student));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReproFamily.named("vit"));
        assertTrue(e.getMessage().contains("'vit'") && e.getMessage().contains("std, bcos"), e.getMessage());
    }

    @Test
    void layerFourOfTheSmallStemStudentIsSevenBySevenAt56AndFourByFourAt28() {
        try (NDManager m = NDManager.newBaseManager()) {
            Model student = Models.create("resnet18", 10, Map.of("stem", "small", "base", "8"), m);
            for (int[] sizeAndMap : new int[][] {{28, 4}, {49, 7}, {56, 7}, {57, 8}}) {
                int px = sizeAndMap[0];
                Taps taps = Taps.capture(Set.of("layer4"));
                student.forward(m.zeros(new Shape(1, 3, px, px)), taps);
                Shape map = taps.features().get("layer4").getShape();
                assertEquals(new Shape(1, 64, sizeAndMap[1], sizeAndMap[1]), map, px + " px");
            }
        }
    }
}
