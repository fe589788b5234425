package e2kd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.distill.Criteria;
import e2kd.distill.Criterion;
import e2kd.distill.CriterionContext;
import e2kd.distill.CriterionFactory;
import e2kd.distill.CriterionInput;
import e2kd.distill.CriterionSpec;
import e2kd.distill.Distiller;
import e2kd.distill.Needs;
import e2kd.distill.Objective;
import e2kd.nn.Devices;
import e2kd.nn.Model;
import e2kd.nn.Module;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Autograd;
import e2kd.train.optim.GradientClipping;
import e2kd.train.optim.Sgd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Data parallelism over 2 CPU replicas (float64, a small ResNet student distilled from a ResNet teacher with KD,
 * labels and a test criterion with a trainable scale and a per-sample memory): one step's averaged gradient is the
 * mean of the single-device gradients of the parts, weighted by their rows (an uneven batch), the updated parameters
 * are those of one optimizer step on that gradient, the memory holds every part's rows, every replica ends
 * identical, and the replicas run their backward passes at the same time.
 */
class DataParallelStepTest {
    static {
        Criteria.register(SampleMemory.FACTORY);
    }

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

            long[] indices = {3, 0, 2, 1};
            long[] used = java.util.Arrays.copyOf(indices, rows);

            Model reference = copy(student, m);
            Distiller single = distiller(teacher, reference, m);
            Map<String, NDArray> params = DistillStep.trainable(reference, single);
            Map<String, NDArray> expected = meanGradient(single, params, x, labels, used, parts, m);

            List<DataParallelStep.Replica> replicas = replicas(teacher, student, m);
            try (DataParallelStep step = new DataParallelStep(replicas, new Sgd(0.9, 0.0), GradientClipping.none())) {
                StepResult r = step.live(x, labels, used, 0, LR);
                assertFalse(r.skipped());
                Map<String, NDArray> averaged =
                        DistillStep.trainable(student, replicas.get(0).distiller());
                assertEquals(expected.keySet(), averaged.keySet());
                assertTrue(
                        averaged.containsKey("criterion.sample_memory.scale"),
                        averaged.keySet().toString());
                expected.forEach((name, g) -> Close.absolute(
                        averaged.get(name).getGradient(),
                        g,
                        1e-12 * Math.max(1, Close.maxAbs(g)),
                        "averaged gradient of " + name));

                params.forEach(
                        (name, p) -> p.getGradient().set(expected.get(name).toByteBuffer()));
                Sgd sgd = new Sgd(0.9, 0.0);
                Autograd.noGrad(() -> {
                    sgd.step(params, LR);
                    return null;
                });
                params.forEach((name, p) ->
                        Close.absolute(averaged.get(name), p, 1e-12 * Math.max(1, Close.maxAbs(p)), "updated " + name));
                Map<String, NDArray> other = step.replica(1).stateDict();
                student.stateDict().forEach((name, v) -> Close.absolute(other.get(name), v, 0, "replica 1's " + name));

                NDArray memory = memory(replicas.get(0).distiller());
                Close.absolute(memory, memory(single), 1e-12, "sample memory, every part's rows");
                assertEquals(rows, (int) memory.neq(0).sum().getLong(), "rows recorded");
                Close.absolute(memory(replicas.get(1).distiller()), memory, 0, "replica 1's sample memory");
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
            try (DataParallelStep step =
                    new DataParallelStep(replicas(teacher, student, m), new Sgd(0.0, 0.0), GradientClipping.none())) {
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
                assertFalse(step.live(x, labels, new long[] {0, 1, 2, 3}, 0, LR).skipped());
            }
            assertEquals(Map.of(0, true, 1, true), sawTheOther, "each replica saw the other inside backward");
            assertEquals(2, threads.size(), "one thread per replica: " + threads);
        }
    }

    @Test
    void aNonFiniteReplicaSkipsTheUpdateEverywhere() {
        try (NDManager m = Devices.newManager()) {
            Model teacher = model(m, 11);
            Model student = model(m, 12);
            Model before = copy(student, m);
            NDArray x = m.randomNormal(new Shape(4, 3, 12, 12)).toType(DataType.FLOAT64, false);
            x.set(new NDIndex("3"), Double.NaN); // a row of replica 1's half
            NDArray labels = m.create(new long[] {0, 2, 1, 0});
            List<DataParallelStep.Replica> replicas = replicas(teacher, student, m);
            try (DataParallelStep step = new DataParallelStep(replicas, new Sgd(0.0, 0.0), GradientClipping.none())) {
                assertTrue(step.live(x, labels, new long[] {0, 1, 2, 3}, 0, LR).skipped());
                Map<String, NDArray> now = student.parameters();
                before.parameters().forEach((name, p) -> Close.absolute(now.get(name), p, 0, "unchanged " + name));
                Map<String, NDArray> other = step.replica(1).stateDict();
                student.stateDict().forEach((name, v) -> Close.absolute(other.get(name), v, 0, "replica 1's " + name));
            }
        }
    }

    /** Σ_k (rows_k / rows) · gradient of part k on one device (parts in row order), by parameter name. */
    private static Map<String, NDArray> meanGradient(
            Distiller d,
            Map<String, NDArray> params,
            NDArray x,
            NDArray labels,
            long[] indices,
            int[] parts,
            NDManager m) {
        int rows = Math.toIntExact(x.getShape().get(0));
        Map<String, NDArray> sum = new LinkedHashMap<>();
        int from = 0;
        for (int size : parts) {
            NDIndex range = new NDIndex("{}:{}", from, from + size);
            NDArray xk = x.get(range);
            NDArray yk = labels.get(range);
            long[] ik = java.util.Arrays.copyOfRange(indices, from, from + size);
            Autograd.zeroGradients(params.values());
            Autograd.backward(d.loss(xk, yk, ik, d.teach(xk, 0), 0).total(), false);
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
        List<CriterionSpec> terms = List.of(
                CriterionSpec.fromMap(Map.of("name", "kd", "tau", 4.0)),
                CriterionSpec.fromMap(Map.of("name", "ground_truth", "weight", 0.5)),
                CriterionSpec.fromMap(Map.of("name", "sample_memory")));
        student.setTraining(true);
        return new Distiller(
                teacher, null, student, null, Objective.of(terms, new CriterionContext(student, teacher, m, 4)));
    }

    private static NDArray memory(Distiller d) {
        return d.objective().modules().get("sample_memory").buffers().get("memory");
    }

    /**
     * scale · mean(logits²), scale a trainable parameter starting at 1.5; per sample index the memory keeps the mean
     * logit of that sample's row (zero until seen).
     */
    static final class SampleMemory implements Criterion {
        static final CriterionFactory FACTORY = CriterionFactory.of(
                "sample_memory", (spec, context) -> new SampleMemory(context.manager(), context.trainSize()));
        private final State state;

        SampleMemory(NDManager m, long size) {
            state = new State(m, size);
        }

        static final class State extends Module {
            State(NDManager m, long size) {
                parameter("scale", m.create(new double[] {1.5}));
                buffer("memory", m.zeros(new Shape(size), DataType.FLOAT64));
            }
        }

        @Override
        public Needs needs() {
            return Needs.LABELS;
        }

        @Override
        public NDArray compute(CriterionInput in) {
            NDArray logits = in.student().logits();
            NDArray memory = state.buffers().get("memory");
            Autograd.noGrad(() -> {
                NDArray means = logits.mean(new int[] {1});
                for (int k = 0; k < in.indices().length; k++) {
                    memory.set(new NDIndex(in.indices()[k]), means.get(k));
                }
                return null;
            });
            return logits.square().mean().mul(state.parameters().get("scale")).sum();
        }

        @Override
        public Optional<Module> module() {
            return Optional.of(state);
        }
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
