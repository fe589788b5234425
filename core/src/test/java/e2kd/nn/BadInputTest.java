package e2kd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.distill.Distiller;
import e2kd.distill.Objective;
import e2kd.explain.BcosExplainer;
import e2kd.nn.models.BcosResNet;
import e2kd.nn.models.Models;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input ends in a one-line error naming the value and what was expected. */
public class BadInputTest {
    private NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    /** The message of the IllegalArgumentException {@code r} throws, asserted to be one line. */
    public static String message(Runnable r) {
        String msg = assertThrows(IllegalArgumentException.class, r::run).getMessage();
        assertEquals(1, msg.lines().count(), "one line: " + msg);
        return msg;
    }

    @Test
    void wrongChannelCount() {
        Model model = Models.create("bcos_resnet18", 3, Map.of("stem", "small", "base", "4"), m);
        String msg = message(() -> model.forward(m.ones(new Shape(1, 3, 16, 16))));
        assertTrue(msg.contains("3 channels") && msg.contains("expects 6"), msg);
    }

    @Test
    void imageTooSmallForTheStem() {
        Model model = Models.create("resnet18", 3, Map.of("base", "4"), m);
        String msg = message(() -> model.forward(m.ones(new Shape(1, 3, 16, 16))));
        assertTrue(msg.contains("16x16") && msg.contains("32x32"), msg);
    }

    @Test
    void imageSizeOtherThanTheContract() {
        InputContract contract = Models.contract("resnet18", 28);
        String msg = message(() -> contract.check(m.ones(new Shape(1, 3, 32, 32))));
        assertTrue(msg.contains("32x32") && msg.contains("28x28"), msg);
    }

    @Test
    void classCountMismatch() {
        BcosResNet teacher = (BcosResNet) Models.create("bcos_resnet18", 10, Map.of("base", "4"), m);
        BcosResNet student = (BcosResNet) Models.create("bcos_resnet18", 7, Map.of("base", "4"), m);
        String msg = message(() -> new Distiller(
                teacher, new BcosExplainer(teacher), student, new BcosExplainer(student), Objective.e2kd(1, 1)));
        assertTrue(msg.contains("10 classes") && msg.contains("7"), msg);
    }

    @Test
    void unknownModelIdListsTheValidOnes() {
        String msg = message(() -> Models.create("resnet99", 3, Map.of(), m));
        assertTrue(msg.contains("resnet99") && msg.contains("bcos_resnet18") && msg.contains("resnet50"), msg);
    }

    @Test
    void unknownOrBadOptions() {
        String unknown = message(() -> Models.create("resnet18", 3, Map.of("depth", "3"), m));
        assertTrue(unknown.contains("depth") && unknown.contains("base, in_channels, stem"), unknown);
        String stem = message(() -> Models.create("resnet18", 3, Map.of("stem", "tiny"), m));
        assertTrue(stem.contains("stem=tiny") && stem.contains("imagenet or small"), stem);
        String base = message(() -> Models.create("resnet18", 3, Map.of("base", "x"), m));
        assertTrue(base.contains("base=x"), base);
    }
}
