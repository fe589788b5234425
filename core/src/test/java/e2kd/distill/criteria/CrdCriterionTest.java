package e2kd.distill.criteria;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import e2kd.Close;
import e2kd.FiniteDifferences;
import e2kd.Fixtures;
import e2kd.Options;
import e2kd.distill.Criteria;
import e2kd.distill.CriterionContext;
import e2kd.distill.CriterionSpec;
import e2kd.distill.Labelling;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Autograd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CRD against src/test/resources/baselines/crd.* (scripts/make_baseline_fixtures.py, a PyTorch restatement of
 * RepDistiller's Embed, ContrastMemory and ContrastLoss: two steps, so that the normalisers set by the first and the
 * memory rows it moved are used by the second), against float64 finite differences, and the negative sampler.
 */
class CrdCriterionTest {
    private static final int SIZE = 20;
    private NDManager m;

    @BeforeEach
    void setUp() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    private CrdCriterion.State fixtureState(Map<String, NDArray> f, JsonNode json) {
        CrdCriterion.State state = new CrdCriterion.State(
                m,
                6,
                8,
                5,
                SIZE,
                json.path("temperature").asDouble(),
                json.path("momentum").asDouble());
        state.toFloatType(DataType.FLOAT64);
        state.loadStateDict(ReviewKdCriterionTest.prefixed(f, "state."));
        return state;
    }

    private static long[] longs(NDArray a) {
        return a.toLongArray();
    }

    @Test
    void twoStepsMatchTheRestatedOriginal() throws IOException {
        Map<String, NDArray> f = Fixtures.npz(m, "baselines/crd.npz");
        JsonNode json = ReviewKdCriterionTest.json("baselines/crd.json");
        CrdCriterion.State state = fixtureState(f, json);
        CrdCriterion crd = new CrdCriterion(state, null, SIZE);
        for (int step = 1; step <= 2; step++) {
            NDArray student = f.get("student." + step);
            student.setRequiresGradient(true);
            NDArray teacher = f.get("teacher." + step);
            long[] index = longs(f.get("index." + step));
            long[] contrast = longs(f.get("contrast." + step));
            Autograd.zeroGradients(state.parameters().values());
            NDArray loss = Autograd.recording(() -> crd.loss(student, teacher, index, contrast));
            Autograd.backward(loss, false);

            double expected = json.path("loss" + step).asDouble();
            assertEquals(expected, loss.getDouble(), 1e-12 * Math.abs(expected), "loss of step " + step);
            Close.relative(
                    student.getGradient(), f.get("grad." + step + ".student"), 1e-10, "d/d student, step " + step);
            String prefix = "grad." + step + ".";
            for (Map.Entry<String, NDArray> p : state.parameters().entrySet()) {
                Close.relative(p.getValue().getGradient(), f.get(prefix + p.getKey()), 1e-10, prefix + p.getKey());
            }
            Map<String, NDArray> after = ReviewKdCriterionTest.prefixed(f, "after." + step + ".");
            assertEquals(after.keySet(), state.buffers().keySet());
            int s = step;
            state.buffers().forEach((key, b) -> Close.relative(b, after.get(key), 1e-12, key + " after step " + s));
        }
    }

    @Test
    void gradientMatchesFiniteDifferencesWithTheMemoryHeld() throws IOException {
        Map<String, NDArray> f = Fixtures.npz(m, "baselines/crd.npz");
        CrdCriterion.State state = fixtureState(f, ReviewKdCriterionTest.json("baselines/crd.json"));
        CrdCriterion crd = new CrdCriterion(state, null, SIZE);
        long[] index1 = longs(f.get("index.1"));
        long[] contrast1 = longs(f.get("contrast.1"));
        Autograd.noGrad(() -> crd.loss(f.get("student.1"), f.get("teacher.1"), index1, contrast1)); // sets Z
        Map<String, NDArray> held = new LinkedHashMap<>();
        state.buffers().forEach((key, b) -> held.put(key, b.duplicate()));

        NDArray student = f.get("student.2");
        student.setRequiresGradient(true);
        NDArray teacher = f.get("teacher.2");
        long[] index = longs(f.get("index.2"));
        long[] contrast = longs(f.get("contrast.2"));
        List<NDArray> leaves = new ArrayList<>(state.parameters().values());
        leaves.add(student);
        Autograd.zeroGradients(leaves);
        Autograd.backward(Autograd.recording(() -> crd.loss(student, teacher, index, contrast)), false);
        double worst = FiniteDifferences.worstError(
                leaves,
                () -> {
                    state.loadStateDict(held, key -> !held.containsKey(key)); // the memory as before the step
                    try (NDManager scope = m.newSubManager()) {
                        NDArray x = student.duplicate();
                        x.attach(scope);
                        return crd.loss(x, teacher, index, contrast).getDouble();
                    }
                },
                24,
                3,
                1e-6);
        assertTrue(worst < 1e-6, "worst relative error " + worst);
    }

    @Test
    void factoryProbesThePooledWidthsAndFitsTheNegativesToTheData() {
        Model student = Models.create("resnet18", 3, Options.parse("stem=small,base=2"), m);
        Model teacher = Models.create("resnet18", 3, Options.parse("stem=small,base=3"), m);
        int[] labels = {0, 1, 2, 0, 1, 2, 0, 0};
        CriterionContext context =
                new CriterionContext(student, teacher, m, labels.length, 1, 3, labels, Labelling.SINGLE_LABEL);
        CrdCriterion crd = (CrdCriterion) Criteria.create(new CriterionSpec("crd", 0.8, Map.of()), context);
        assertEquals(labels.length - 4, crd.negatives(), "16384 asked for, 4 samples outside class 0");
        Map<String, NDArray> state = crd.module().orElseThrow().stateDict();
        assertEquals(new Shape(128, 16), state.get("embed_s.linear.weight").getShape(), "student's pooled width 8·2");
        assertEquals(new Shape(128, 24), state.get("embed_t.linear.weight").getShape(), "teacher's pooled width 8·3");
        assertEquals(
                new Shape(labels.length, 128), state.get("contrast.memory_v2").getShape());
        assertThrows(
                IllegalArgumentException.class,
                () -> Criteria.create(
                        new CriterionSpec("crd", 1, Map.of()),
                        new CriterionContext(student, teacher, m, labels.length)),
                "no training labels");
        assertThrows(
                IllegalArgumentException.class,
                () -> Criteria.create(new CriterionSpec("crd", 1, Map.of("nce_k", 4)), context),
                "unknown parameter");
    }

    @Test
    void negativesComeFromOtherClassesDeterminedBySeedAndStep() {
        int[] labels = new int[30];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 12 ? 0 : i < 22 ? 1 : 2; // classes of 12, 10 and 8 samples
        }
        NegativeSampler sampler = new NegativeSampler(labels, 16384, 7);
        assertEquals(30 - 12, sampler.k(), "no more negatives than the largest class leaves");
        long[] batch = {0, 13, 29, 5};
        long[] drawn = sampler.draw(batch, 3);
        int width = sampler.k() + 1;
        assertEquals(batch.length * width, drawn.length);
        for (int b = 0; b < batch.length; b++) {
            assertEquals(batch[b], drawn[b * width], "column 0 is the sample itself");
            for (int j = 1; j < width; j++) {
                long n = drawn[b * width + j];
                assertNotEquals(labels[(int) batch[b]], labels[(int) n], "negative " + n + " of sample " + batch[b]);
            }
        }
        assertArrayEquals(drawn, new NegativeSampler(labels, 16384, 7).draw(batch, 3), "same seed and step");
        assertFalse(Arrays.equals(drawn, sampler.draw(batch, 4)), "another step");
        assertFalse(Arrays.equals(drawn, new NegativeSampler(labels, 16384, 8).draw(batch, 3)), "another seed");
        assertEquals(5 * batch.length + batch.length, new NegativeSampler(labels, 5, 7).draw(batch, 0).length);
        assertThrows(IllegalArgumentException.class, () -> new NegativeSampler(new int[] {1, 1, 1}, 4, 0));
    }

    @Test
    void negativesAreUniformOverTheOtherClasses() {
        int[] labels = new int[40];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(4);
        }
        NegativeSampler sampler = new NegativeSampler(labels, 10, 5);
        long anchor = 3;
        int[] counts = new int[labels.length];
        int steps = 3000;
        for (int step = 0; step < steps; step++) {
            long[] drawn = sampler.draw(new long[] {anchor}, step);
            for (int j = 1; j < drawn.length; j++) {
                counts[(int) drawn[j]]++;
            }
        }
        int pool = 0;
        for (int y : labels) {
            pool += y != labels[(int) anchor] ? 1 : 0;
        }
        double expected = steps * 10.0 / pool;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == labels[(int) anchor]) {
                assertEquals(0, counts[i], "sample " + i + " shares the anchor's class");
            } else {
                assertEquals(expected, counts[i], 6 * Math.sqrt(expected), "draws of sample " + i);
            }
        }
    }
}
