package e2kd.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.distill.CriterionContext;
import e2kd.distill.CriterionSpec;
import e2kd.distill.Distiller;
import e2kd.distill.Objective;
import e2kd.nn.Autograd;
import e2kd.nn.Devices;
import e2kd.nn.Model;
import e2kd.nn.Models;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data parallelism over 2 CPU replicas (float64, a small ResNet student distilled from a ResNet teacher with KD and
 * labels): one step's averaged gradient is the mean of the single-device gradients of the parts, weighted by their
 * rows (an uneven batch), the updated parameters are those of one optimizer step on that gradient, every replica
 * ends identical, and the replicas run their backward passes at the same time.
 */
class DataParallelStepTest {
    private static final Map<String, String> SMALL = Map.of("stem", "small", "base", "4");
    private static final double LR = 0.1;

    @Test
    void evenBatchStepIsTheMeanOfTheHalvesSingleDeviceGradients() {
        check(4, new int[] {2, 2});
    }

    @Test
    void unevenBatchWeighsEachPartByItsRows() {
        check(3, new int[] {2, 1});
    }

    private void check(int rows, int[] parts) {
        try (NDManager m = Devices.newManager()) {
            Model teacher = model(m, 11);
            Model student = model(m, 12);
            NDArray x = m.randomNormal(new Shape(rows, 3, 12, 12)).toType(DataType.FLOAT64, false);
            NDArray labels = m.create(new long[] {0, 2, 1, 0}).get(new NDIndex("0:{}", rows));

            Model reference = copy(student, m);
            Distiller single = distiller(teacher, reference, m);
            Map<String, NDArray> expected = meanGradient(single, reference, x, labels, parts, m);

            try (DataParallelStep step = new DataParallelStep(replicas(teacher, student, m), new Sgd(0.9, 0.0),
                    GradientClipping.none())) {
                StepResult r = step.live(x, labels, null, 0, LR);
                assertFalse(r.skipped());
                Map<String, NDArray> averaged = student.parameters();
                expected.forEach((name, g) -> Close.absolute(averaged.get(name).getGradient(), g,
                        1e-12 * Math.max(1, Close.maxAbs(g)), "averaged gradient of " + name));

                Map<String, NDArray> params = reference.parameters();
                params.forEach((name, p) -> p.getGradient().set(expected.get(name).toByteBuffer()));
                Sgd sgd = new Sgd(0.9, 0.0);
                Autograd.noGrad(() -> {
                    sgd.step(params, LR);
                    return null;
                });
                Map<String, NDArray> updated = student.parameters();
                params.forEach((name, p) -> Close.absolute(updated.get(name), p, 1e-12 * Math.max(1, Close.maxAbs(p)),
                        "updated " + name));
                Map<String, NDArray> other = step.replica(1).stateDict();
                student.stateDict().forEach((name, v) -> Close.absolute(other.get(name), v, 0, "replica 1's " + name));
            }
        }
    }

    @Test
    void replicasAreInsideTheirBackwardPassesAtTheSameTime() {
        try (NDManager m = Devices.newManager()) {
            Model teacher = model(m, 11);
            Model student = model(m, 12);
            NDArray x = m.randomNormal(new Shape(4, 3, 12, 12)).toType(DataType.FLOAT64, false);
            NDArray labels = m.create(new long[] {0, 2, 1, 0});
            CountDownLatch bothInside = new CountDownLatch(2);
            Map<Integer, Boolean> sawTheOther = new ConcurrentHashMap<>();
            Set<String> threads = ConcurrentHashMap.newKeySet();
            try (DataParallelStep step = new DataParallelStep(replicas(teacher, student, m), new Sgd(0.0, 0.0),
                    GradientClipping.none())) {
                step.backward((replica, loss) -> {
                    threads.add(Thread.currentThread().getName());
                    bothInside.countDown();
                    try {
                        sawTheOther.put(replica, bothInside.await(60, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Autograd.backward(loss, false);
                });
                assertFalse(step.live(x, labels, null, 0, LR).skipped());
            }
            assertEquals(Map.of(0, true, 1, true), sawTheOther, "each replica saw the other inside backward");
            assertEquals(2, threads.size(), "one thread per replica: " + threads);
        }
    }

    /** Σ_k (rows_k / rows) · gradient of part k on one device (parts in row order), by parameter name. */
    private static Map<String, NDArray> meanGradient(Distiller d, Model model, NDArray x, NDArray labels, int[] parts,
                                                     NDManager m) {
        int rows = Math.toIntExact(x.getShape().get(0));
        Map<String, NDArray> sum = new LinkedHashMap<>();
        int from = 0;
        for (int size : parts) {
            NDIndex range = new NDIndex("{}:{}", from, from + size);
            NDArray xk = x.get(range);
            NDArray yk = labels.get(range);
            Map<String, NDArray> params = model.parameters();
            Autograd.zeroGradients(params.values());
            Autograd.backward(d.loss(xk, yk, null, d.teach(xk, 0), 0).total(), false);
            double w = (double) size / rows;
            params.forEach((name, p) -> {
                NDArray g = p.getGradient().mul(w);
                g.attach(m);
                sum.merge(name, g, NDArray::add);
            });
            from += size;
        }
        return sum;
    }

    private static List<DataParallelStep.Replica> replicas(Model teacher, Model student, NDManager m) {
        List<DataParallelStep.Replica> out = new ArrayList<>();
        out.add(new DataParallelStep.Replica(Device.cpu(), student, distiller(teacher, student, m)));
        Model t1 = copy(teacher, m);
        Model s1 = model(m, 99); // different weights: the step must copy replica 0's in
        out.add(new DataParallelStep.Replica(Device.cpu(), s1, distiller(t1, s1, m)));
        student.setTraining(true);
        return out;
    }

    private static Distiller distiller(Model teacher, Model student, NDManager m) {
        List<CriterionSpec> terms = List.of(CriterionSpec.fromMap(Map.of("name", "kd", "tau", 4.0)),
                CriterionSpec.fromMap(Map.of("name", "ground_truth", "weight", 0.5)));
        student.setTraining(true);
        return new Distiller(teacher, null, student, null, Objective.of(terms, new CriterionContext(student, teacher,
                m, 4)));
    }

    private static Model model(NDManager m, int seed) {
        ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
        Model model = Models.create("resnet18", 3, SMALL, m);
        model.toFloatType(DataType.FLOAT64);
        return model;
    }

    private static Model copy(Model source, NDManager m) {
        Model c = Models.create(source.spec(), m);
        c.toFloatType(DataType.FLOAT64);
        c.loadStateDict(source.stateDict());
        return c;
    }
}
