package e2kd.distill.criteria;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.Close;
import e2kd.FiniteDifferences;
import e2kd.Fixtures;
import e2kd.Options;
import e2kd.distill.Criteria;
import e2kd.distill.Criterion;
import e2kd.distill.CriterionContext;
import e2kd.distill.CriterionInput;
import e2kd.distill.CriterionSpec;
import e2kd.distill.Labelling;
import e2kd.distill.StudentOutput;
import e2kd.distill.TeacherOutput;
import e2kd.nn.Model;
import e2kd.nn.Taps;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Autograd;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ReviewKD against src/test/resources/baselines/reviewkd.* (scripts/make_baseline_fixtures.py, a PyTorch
 * restatement of mdistiller's ABF, review loop, HCL and warm-up) and against float64 finite differences of the
 * whole term on tiny ResNet, DenseNet, B-cos ResNet and B-cos DenseNet networks.
 */
class ReviewKdCriterionTest {
    private static final long[] STUDENT = {4, 6, 8, 10, 10};
    private static final long[] TEACHER = {5, 7, 9, 12, 12};
    private NDManager m;

    @BeforeEach
    void setUp() {
        m = NDManager.newBaseManager();
        ai.djl.engine.Engine.getInstance().setRandomSeed(11);
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    @Test
    void connectorsAndHclMatchTheRestatedOriginal() throws IOException {
        Map<String, NDArray> f = Fixtures.npz(m, "baselines/reviewkd.npz");
        ReviewKdConnectors connectors = new ReviewKdConnectors(m, STUDENT, TEACHER, 512);
        connectors.toFloatType(DataType.FLOAT64);
        connectors.loadStateDict(prefixed(f, "state."));
        List<NDArray> student = levels(f, "student.");
        List<NDArray> teacher = levels(f, "teacher.");
        student.forEach(s -> s.setRequiresGradient(true));
        NDArray loss = Autograd.recording(
                () -> HierarchicalContextLoss.of(connectors.review(student, sizes(teacher)), teacher));
        Autograd.backward(loss, false);

        double expected = json("baselines/reviewkd.json").path("loss").asDouble();
        assertEquals(expected, loss.getDouble(), 1e-12 * Math.abs(expected));
        for (int k = 0; k < student.size(); k++) {
            Close.relative(student.get(k).getGradient(), f.get("grad.student." + k), 1e-10, "d/d student level " + k);
        }
        connectors.parameters().forEach((key, p) -> Close.relative(p.getGradient(), f.get("grad." + key), 1e-10, key));
        Map<String, NDArray> after = prefixed(f, "after.");
        assertEquals(after.keySet(), connectors.buffers().keySet());
        connectors.buffers().forEach((key, b) -> Close.relative(b, after.get(key), 1e-12, key));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "resnet18|stem=small,base=2|stem=small,base=3|layer1.pre",
                "densenet121|stem=small,base=4,growth=2|stem=small,base=4,growth=3|layer1",
                "bcos_resnet18|stem=small,base=2|stem=small,base=3|layer1",
                "bcos_densenet121|stem=small,base=4,growth=2|stem=small,base=4,growth=3|layer4"
            })
    void gradientOfTheTermOnTinyNetworksMatchesFiniteDifferences(
            String model, String studentOptions, String teacherOptions, String firstLevel) {
        Model student = Models.create(model, 3, Options.parse(studentOptions), m);
        Model teacher = Models.create(model, 3, Options.parse(teacherOptions), m);
        student.toFloatType(DataType.FLOAT64);
        teacher.toFloatType(DataType.FLOAT64);
        Criterion c = Criteria.create(
                new CriterionSpec("reviewkd", 1, Map.of()),
                new CriterionContext(student, teacher, m, 6, 2, 0, null, Labelling.SINGLE_LABEL));
        assertTrue(c.needs().studentFeatures().contains(firstLevel), c.needs().toString());
        assertTrue(c.needs().studentFeatures().contains("pooled"), c.needs().toString());
        c.module().orElseThrow().toFloatType(DataType.FLOAT64);
        int in = student.spec().options().inChannels();
        NDArray x = m.randomUniform(0, 1, new Shape(3, in, 16, 16)).toType(DataType.FLOAT64, false);
        Taps teacherTaps = Taps.capture(c.needs().teacherFeatures());
        // batch statistics: an untrained DenseNet's eval-mode features grow to ~1e3 and the loss to ~1e7
        teacher.setTraining(true);
        NDArray teacherLogits = Autograd.noGrad(() -> teacher.forward(x, teacherTaps));
        TeacherOutput t = new TeacherOutput(teacherLogits, teacherLogits.argMax(1), null, teacherTaps.features());

        List<NDArray> params = new ArrayList<>(student.parameters().values());
        params.addAll(c.module().orElseThrow().parameters().values());
        NDArray loss = Autograd.recording(() -> term(c, student, x, t));
        Autograd.zeroGradients(params);
        Autograd.backward(loss, false);
        double worst = FiniteDifferences.worstError(
                params,
                () -> {
                    try (NDManager scope = m.newSubManager()) {
                        return term(c, student, x.duplicate(), t).getDouble();
                    }
                },
                24,
                5,
                1e-6);
        assertTrue(worst < 1e-5, model + ": worst relative error " + worst);
    }

    private static NDArray term(Criterion c, Model student, NDArray x, TeacherOutput t) {
        Taps taps = Taps.capture(c.needs().studentFeatures());
        NDArray logits = student.forward(x, taps);
        return c.compute(new CriterionInput(new StudentOutput(logits, null, taps.features()), t, null, null, 0));
    }

    @Test
    void warmupCountsEpochsFromOneAsTheTrainersLoop() {
        Model student = Models.create("resnet18", 3, Options.parse("stem=small,base=2"), m);
        Model teacher = Models.create("resnet18", 3, Options.parse("stem=small,base=2"), m);
        CriterionContext context = new CriterionContext(student, teacher, m, 16, 4, 0, null, Labelling.SINGLE_LABEL);
        ReviewKdCriterion three = (ReviewKdCriterion)
                Criteria.create(new CriterionSpec("reviewkd", 1, Map.of("warmup_epochs", 3)), context);
        double[] expected =
                Fixtures.npz(m, "baselines/reviewkd.npz").get("warmup").toDoubleArray();
        for (int step = 0; step < expected.length; step++) {
            assertEquals(expected[step], three.warmup(step), 1e-15, "step " + step);
        }
        ReviewKdCriterion imagenet =
                (ReviewKdCriterion) Criteria.create(new CriterionSpec("reviewkd", 1, Map.of()), context);
        assertEquals(1.0, imagenet.warmup(0), "mdistiller's ImageNet value: full weight in the first epoch");

        // the factor scales the term: the same connectors and features at steps 0 and 8 differ by 1/3
        three.module()
                .orElseThrow()
                .loadStateDict(imagenet.module().orElseThrow().stateDict());
        NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 8, 8));
        Taps teacherTaps = Taps.capture(three.needs().teacherFeatures());
        NDArray logits = Autograd.noGrad(() -> teacher.forward(x, teacherTaps));
        TeacherOutput t = new TeacherOutput(logits, logits.argMax(1), null, teacherTaps.features());
        Taps studentTaps = Taps.capture(three.needs().studentFeatures());
        NDArray s = Autograd.noGrad(() -> student.forward(x, studentTaps));
        StudentOutput so = new StudentOutput(s, null, studentTaps.features());
        double early = Close.values(Autograd.noGrad(() -> three.compute(new CriterionInput(so, t, null, null, 0))))[0];
        double full = Close.values(Autograd.noGrad(() -> three.compute(new CriterionInput(so, t, null, null, 8))))[0];
        assertEquals(full / 3, early, 1e-6 * full);
    }

    static Map<String, NDArray> prefixed(Map<String, NDArray> all, String prefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    private static List<NDArray> levels(Map<String, NDArray> f, String prefix) {
        List<NDArray> out = new ArrayList<>();
        for (int k = 0; f.containsKey(prefix + k); k++) {
            out.add(f.get(prefix + k));
        }
        return out;
    }

    private static List<long[]> sizes(List<NDArray> teacher) {
        return teacher.stream()
                .map(t -> new long[] {t.getShape().get(2), t.getShape().get(3)})
                .toList();
    }

    static com.fasterxml.jackson.databind.JsonNode json(String resource) throws IOException {
        try (InputStream in = ReviewKdCriterionTest.class.getResourceAsStream("/" + resource)) {
            return new ObjectMapper().readTree(in);
        }
    }
}
