package e2kd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import e2kd.MainSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every base manager (and so every array, model, optimizer and criterion state) of src/main is created by
 * {@link Devices}, which applies the run's device; the device names parse or are refused in one line.
 */
class DevicesTest {
    /** Base-manager creation and explicit device choices, which only {@link Devices} may contain. */
    private static final Pattern OUTSIDE = Pattern.compile(
            "newBaseManager\\s*\\(|new\\s+PtNDManager|Device\\.(cpu|gpu|fromName|of)\\s*\\(|Engine\\.getInstance\\(\\)\\s*\\.\\s*newBaseManager");

    @Test
    void onlyDevicesCreatesManagersInMainSources() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path f : MainSources.all()) {
            if (!f.endsWith(Path.of("e2kd/nn/Devices.java"))) {
                found.addAll(creations(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
            }
        }
        assertEquals(List.of(), found, "NDManagers or devices created outside e2kd.nn.Devices");
    }

    @Test
    void theScanFindsEachFormOfCreation() {
        assertEquals(5, creations("X.java", """
                NDManager a = NDManager.newBaseManager();
                NDManager b = NDManager.newBaseManager(Device.cpu());
                NDManager c = Engine.getInstance().newBaseManager();
                NDManager d = a.newSubManager(Device.gpu(1));
                NDManager e = a.newSubManager();
                """).size());
    }

    private static List<String> creations(String file, String text) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = OUTSIDE.matcher(lines[i]);
            while (m.find()) {
                out.add(file + ":" + (i + 1) + ": " + m.group());
            }
        }
        return out;
    }

    @Test
    void managersAreOnTheRunsDevice() {
        Device before = Devices.run();
        try {
            Devices.use(Devices.parse("cpu"));
            try (NDManager m = Devices.newManager();
                    NDManager sub = m.newSubManager()) {
                assertEquals(Device.cpu(), m.getDevice());
                assertEquals(Device.cpu(), sub.create(new float[] {1}).getDevice());
            }
        } finally {
            Devices.use(before);
        }
    }

    @Test
    void namesParseOrAreRefusedNamingTheValue() {
        assertEquals(Device.cpu(), Devices.parse("cpu"));
        assertEquals(Engine.getInstance().defaultDevice(), Devices.parse("auto"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Devices.parse("tpu"))
                .getMessage()
                .startsWith("device=tpu "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Devices.parse("gpu:x"))
                .getMessage()
                .startsWith("device=gpu:x "));
        assertEquals(List.of(Device.cpu(), Device.cpu()), Devices.replicas("2", Device.cpu()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Devices.replicas("two", Device.cpu()))
                .getMessage()
                .startsWith("devices=two "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Devices.replicas("0", Device.cpu()))
                .getMessage()
                .startsWith("devices=0 "));
    }

    @Test
    void aGpuWithoutCudaIsRefusedSayingWhatIsMissing() {
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
        for (String spec : List.of("gpu", "gpu:1")) {
            String message = assertThrows(IllegalArgumentException.class, () -> Devices.parse(spec))
                    .getMessage();
            assertTrue(message.startsWith("device=" + spec + ": no CUDA GPU visible to DJL"), message);
            assertTrue(message.contains("pytorch-native-cu") && message.contains("docs/DEVICES.md"), message);
            assertTrue(!message.contains("\n"), message);
        }
        String list = assertThrows(IllegalArgumentException.class, () -> Devices.replicas("0,1", Device.cpu()))
                .getMessage();
        assertTrue(list.startsWith("devices=0,1: no CUDA GPU"), list);
    }
}
