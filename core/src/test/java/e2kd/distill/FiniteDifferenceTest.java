package e2kd.distill;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.nn.Taps;
import e2kd.nn.Trace;
import e2kd.nn.models.BcosResNet;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Autograd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The full e²KD gradient (KD + λ·explanation term, training-mode norms) equals central finite differences of the
 * loss on a tiny B-cos net in float64; a detach-only explanation (B-cos-v2 detach mode) does not.
 */
class FiniteDifferenceTest {
    private NDManager m;
    private BcosResNet student;
    private NDArray x;
    private NDArray teacherLogits;
    private NDArray teacherMap;
    private NDArray classes;

    @BeforeEach
    void setUp() {
        m = NDManager.newBaseManager();
        ai.djl.engine.Engine.getInstance().setRandomSeed(7);
        student = (BcosResNet) Models.create("bcos_resnet18", 3, Map.of("stem", "small", "base", "2"), m);
        student.toFloatType(DataType.FLOAT64);
        student.setTraining(true);
        NDArray rgb = m.randomUniform(0, 1, new Shape(2, 3, 8, 8)).toType(DataType.FLOAT64, false);
        x = rgb.concat(rgb.neg().add(1), 1);
        teacherLogits = m.randomNormal(new Shape(2, 3)).toType(DataType.FLOAT64, false);
        teacherMap = m.randomNormal(new Shape(2, 6, 8, 8)).toType(DataType.FLOAT64, false);
        classes = m.create(new long[] {0, 2});
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    private double loss(Explainer explainer) {
        Explained s = explainer.explain(x, ClassChoice.fixed(classes));
        return LossParts.value(Objective.e2kd(1, 1)
                .compute(teacherLogits, s.logits(), teacherMap, s.map(), null)
                .total());
    }

    private Explainer explainer(boolean detach) {
        return new Explainer() {
            @Override
            public Explained explain(NDArray in, ClassChoice choice, Taps taps) {
                Trace trace = detach ? Trace.detachingFactors() : new Trace();
                NDArray logits = student.forward(in, trace);
                NDArray c = choice.choose(logits);
                return new Explained(logits, c, student.explain(trace, c));
            }

            @Override
            public String name() {
                return detach ? "detach-only" : "exact";
            }
        };
    }

    /** Worst relative error of the analytic gradient against central differences over sampled coordinates. */
    private double worstError(boolean detach) {
        Explainer e = explainer(detach);
        Autograd.recording(() -> {
            Explained s = e.explain(x, ClassChoice.fixed(classes));
            NDArray l = Objective.e2kd(1, 1)
                    .compute(teacherLogits, s.logits(), teacherMap, s.map(), null)
                    .total();
            Autograd.zeroGradients(student.parameters().values());
            Autograd.backward(l, false);
            return null;
        });
        SplittableRandom rng = new SplittableRandom(3);
        double worst = 0;
        List<String> names = new ArrayList<>(student.parameters().keySet());
        for (int trial = 0; trial < 16; trial++) {
            String name = names.get(rng.nextInt(names.size()));
            NDArray p = student.parameters().get(name);
            double[] values = p.toDoubleArray();
            int i = rng.nextInt(values.length);
            double analytic = p.getGradient().toDoubleArray()[i];
            double h = 1e-6;
            double up = perturbed(p, values, i, h);
            double down = perturbed(p, values, i, -h);
            setValues(p, values);
            double numeric = (up - down) / (2 * h);
            worst = Math.max(worst, Math.abs(analytic - numeric) / Math.max(1e-6, Math.abs(numeric)));
        }
        return worst;
    }

    private double perturbed(NDArray p, double[] values, int i, double h) {
        double[] copy = values.clone();
        copy[i] += h;
        setValues(p, copy);
        return Autograd.noGrad(() -> loss(explainer(false)));
    }

    private static void setValues(NDArray p, double[] values) {
        Autograd.noGrad(() -> {
            p.set(values);
            return null;
        });
    }

    @Test
    void exactGradientMatchesFiniteDifferences() {
        double worst = worstError(false);
        System.out.println("exact: worst relative error " + worst);
        assertTrue(worst < 2e-4, "worst relative error " + worst);
    }

    @Test
    void detachOnlyVariantFailsTheCheck() {
        double worst = worstError(true);
        System.out.println("detach-only: worst relative error " + worst);
        assertTrue(worst > 1e-2, "detach-only gradient should miss the factor term, worst relative error " + worst);
    }
}
