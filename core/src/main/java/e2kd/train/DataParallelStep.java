package e2kd.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import e2kd.distill.Distiller;
import e2kd.distill.LossParts;
import e2kd.distill.TeacherOutput;
import e2kd.nn.Model;
import e2kd.nn.Module;
import e2kd.nn.ops.Autograd;
import e2kd.nn.ops.InPlace;
import e2kd.train.optim.GradientClipping;
import e2kd.train.optim.Gradients;
import e2kd.train.optim.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

/**
 * One training step over several replicas of the student in one process, as PyTorch's DistributedDataParallel
 * without SyncBatchNorm: the batch's rows are split into contiguous parts, one per replica (sizes differ by at most
 * one: a batch of B rows over N replicas gives the first B mod N replicas one row more; a replica without rows
 * sits the step out); each replica runs its part (teacher, objective, backward) on its own device in its own thread
 * (replica r always on thread r); the gradients are averaged, each replica's weighted by its share of the rows (equal
 * parts: the plain mean, as DDP's all-reduce; an uneven last batch: the gradient of the whole batch's mean loss,
 * where DistributedSampler would pad with repeated samples); then clipped, then one optimizer step on replica 0.
 * Afterwards replica 0's parameters and buffers are copied to the others, so batch-norm statistics are computed per
 * replica and running statistics come from replica 0. Criterion buffers (per-sample memories) are merged: a value
 * changed in the step by replica r and not by replica 0 is taken from replica r, else replica 0's. Replica 0 is the
 * run's student; hooks (validation, checkpoints, metrics) only ever see it, so they write once.
 */
public final class DataParallelStep implements AutoCloseable {
    /** One replica: its device, its student and the distiller over it (with its own objective and criteria). */
    public record Replica(Device device, Model student, Distiller distiller) {}

    private final List<Replica> replicas;
    private final List<Map<String, NDArray>> parameters = new ArrayList<>();
    private final List<ExecutorService> threads = new ArrayList<>();
    private final Optimizer optimizer;
    private final GradientClipping clipping;
    private volatile BiConsumer<Integer, NDArray> backward = (replica, loss) -> Autograd.backward(loss, false);

    public DataParallelStep(List<Replica> replicas, Optimizer optimizer, GradientClipping clipping) {
        if (replicas.size() < 2) {
            throw new IllegalArgumentException("data parallelism needs at least 2 replicas, got " + replicas.size());
        }
        this.replicas = List.copyOf(replicas);
        this.optimizer = optimizer;
        this.clipping = clipping;
        for (int r = 0; r < replicas.size(); r++) {
            if (r > 0) {
                replicas.get(r).student().setTraining(true);
            }
            parameters.add(DistillStep.trainable(
                    replicas.get(r).student(), replicas.get(r).distiller()));
            String name = "e2kd-replica-" + r;
            threads.add(Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(task, name);
                t.setDaemon(true);
                return t;
            }));
        }
        synchronise();
    }

    /** Replica {@code r}'s student. */
    Model replica(int r) {
        return replicas.get(r).student();
    }

    /** Replaces how a replica backpropagates its loss (tests observe replicas inside backward with it). */
    void backward(BiConsumer<Integer, NDArray> replicaBackward) {
        this.backward = replicaBackward;
    }

    /** A step with the live teacher, without targets (single-label terms). */
    public StepResult live(NDArray x, NDArray labels, long[] indices, long step, double lr) {
        return live(x, labels, null, indices, step, lr);
    }

    /** A step with the live teacher: each replica's distiller teaches its own rows; targets: class rows (B, C). */
    public StepResult live(NDArray x, NDArray labels, NDArray targets, long[] indices, long step, double lr) {
        return run(x, labels, targets, indices, null, true, step, lr);
    }

    /** A step against given whole-batch teacher outputs (precomputed; null when none are read). */
    StepResult given(
            NDArray x, NDArray labels, NDArray targets, long[] indices, TeacherOutput whole, long step, double lr) {
        return run(x, labels, targets, indices, whole, false, step, lr);
    }

    private StepResult run(
            NDArray x,
            NDArray labels,
            NDArray targets,
            long[] indices,
            TeacherOutput whole,
            boolean live,
            long step,
            double lr) {
        int rows = Math.toIntExact(x.getShape().get(0));
        int active = Math.min(rows, replicas.size());
        List<NDManager> scopes = new ArrayList<>();
        try (NDManager kept = x.getManager().newSubManager(replicas.get(0).device())) {
            Map<String, NDArray> before = criterionBuffers(0, kept, true);
            List<Future<LossParts>> running = new ArrayList<>();
            double[] weights = new double[active];
            int from = 0;
            for (int r = 0; r < active; r++) {
                int size = rows / active + (r < rows % active ? 1 : 0);
                weights[r] = (double) size / rows;
                Replica replica = replicas.get(r);
                NDManager scope = x.getManager().newSubManager(replica.device());
                scopes.add(scope);
                NDArray xPart = part(x, from, size, scope);
                NDArray labelsPart = part(labels, from, size, scope);
                NDArray targetsPart = targets == null ? null : part(targets, from, size, scope);
                long[] indicesPart = indices == null ? null : Arrays.copyOfRange(indices, from, from + size);
                TeacherOutput teacherPart = live ? null : part(whole, from, size, scope);
                Map<String, NDArray> params = parameters.get(r);
                int index = r;
                running.add(threads.get(r).submit(() -> {
                    TeacherOutput t = live ? replica.distiller().teach(xPart, targetsPart, step) : teacherPart;
                    LossParts parts = replica.distiller().loss(xPart, labelsPart, targetsPart, indicesPart, t, step);
                    Autograd.zeroGradients(params.values());
                    backward.accept(index, parts.total());
                    return parts;
                }));
                from += size;
            }
            return update(joined(running), weights, scopes, before, lr);
        } finally {
            scopes.forEach(NDManager::close);
        }
    }

    /**
     * Averages the gradients into replica 0's, clips, steps and copies the result to every replica; when a replica's
     * loss or gradient is not finite no update is applied anywhere (the step is skipped, as on one device).
     */
    private StepResult update(
            List<LossParts> losses, double[] weights, List<NDManager> scopes, Map<String, NDArray> before, double lr) {
        double total = 0;
        Map<String, Double> parts = new LinkedHashMap<>();
        boolean finite = true;
        for (int r = 0; r < losses.size(); r++) {
            double w = weights[r];
            double value = LossParts.value(losses.get(r).total());
            total += w * value;
            losses.get(r).values().forEach((label, v) -> parts.merge(label, w * v, Double::sum));
            finite &= Double.isFinite(value)
                    && Gradients.allFinite(parameters.get(r).values(), scopes.get(r));
        }
        boolean apply = finite;
        if (!apply) {
            parameters.forEach(p -> Autograd.zeroGradients(p.values()));
        }
        Map<String, NDArray> primary = parameters.get(0);
        try (NDManager scratch = scopes.get(0).newSubManager()) {
            Autograd.noGrad(() -> {
                if (apply) {
                    average(weights, scratch);
                    clipping.apply(primary);
                    optimizer.step(primary, lr);
                }
                mergeCriterionBuffers(losses.size(), before, scratch);
                return null;
            });
        }
        synchronise(); // also after a skipped step: the forward passes changed buffers on each replica
        return new StepResult(total, parts, !apply);
    }

    /** Replica 0's gradients become Σ_r w_r · g_r (the other replicas' moved to replica 0's device). */
    private void average(double[] weights, NDManager scratch) {
        Device target = replicas.get(0).device();
        for (Map.Entry<String, NDArray> e : parameters.get(0).entrySet()) {
            NDArray sum = e.getValue().getGradient();
            sum.attach(scratch);
            sum.muli(weights[0]);
            for (int r = 1; r < weights.length; r++) {
                NDArray g = parameters.get(r).get(e.getKey()).getGradient();
                g.attach(scratch);
                sum.addi(placed(g, target, scratch).mul(weights[r]));
            }
        }
    }

    /**
     * The criteria's buffers of replica {@code r} under {@code label.key}; with {@code copy} duplicated into
     * {@code scratch} (to keep the values before a step).
     */
    private Map<String, NDArray> criterionBuffers(int r, NDManager scratch, boolean copy) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        replicas.get(r)
                .distiller()
                .objective()
                .modules()
                .forEach((label, m) -> m.buffers().forEach((key, b) -> {
                    NDArray value = b;
                    if (copy) {
                        value = b.duplicate();
                        value.attach(scratch);
                    }
                    out.put(label + "." + key, value);
                }));
        return out;
    }

    /** Into replica 0's criterion buffers: each value replica r > 0 changed and replica 0 did not. */
    private void mergeCriterionBuffers(int active, Map<String, NDArray> before, NDManager scratch) {
        if (before.isEmpty()) {
            return;
        }
        Map<String, NDArray> primary = criterionBuffers(0, scratch, false);
        for (int r = 1; r < active; r++) {
            Map<String, NDArray> other = criterionBuffers(r, scratch, false);
            primary.forEach((key, own) -> {
                NDArray old = before.get(key);
                NDArray theirs = placed(other.get(key), own.getDevice(), scratch);
                NDArray take = old.neq(theirs).logicalAnd(old.eq(own));
                NDArray merged = NDArrays.where(take, theirs, own);
                merged.attach(scratch);
                InPlace.copy(merged, own);
            });
        }
    }

    /** Replica 0's parameters, buffers and criterion state copied into every other replica. */
    private void synchronise() {
        Module primary = replicas.get(0).student();
        Map<String, Module> criteria = replicas.get(0).distiller().objective().modules();
        for (int r = 1; r < replicas.size(); r++) {
            replicas.get(r).student().loadStateDict(primary.stateDict());
            Map<String, Module> own = replicas.get(r).distiller().objective().modules();
            criteria.forEach((label, m) -> own.get(label).loadStateDict(m.stateDict()));
        }
    }

    /** Rows [from, from + size) of {@code a} on the scope's device, owned by the scope. */
    private static NDArray part(NDArray a, int from, int size, NDManager scope) {
        NDArray rows = a.get(new NDIndex("{}:{}", from, from + size));
        rows.attach(scope);
        return placed(rows, scope.getDevice(), scope);
    }

    /** {@code a} itself when it is on {@code device}, else its copy there owned by {@code scope}. */
    private static NDArray placed(NDArray a, Device device, NDManager scope) {
        if (a.getDevice().equals(device)) {
            return a;
        }
        NDArray copy = a.toDevice(device, true);
        copy.attach(scope);
        return copy;
    }

    private static TeacherOutput part(TeacherOutput whole, int from, int size, NDManager scope) {
        if (whole == null) {
            return null;
        }
        Map<String, NDArray> features = new LinkedHashMap<>();
        whole.features().forEach((name, f) -> features.put(name, part(f, from, size, scope)));
        return new TeacherOutput(
                part(whole.logits(), from, size, scope),
                part(whole.explained(), from, size, scope),
                whole.map() == null ? null : part(whole.map(), from, size, scope),
                features);
    }

    /** Every replica's result, after all have finished (a failure is rethrown once none is still running). */
    private static List<LossParts> joined(List<Future<LossParts>> running) {
        List<LossParts> out = new ArrayList<>();
        Throwable failed = null;
        for (Future<LossParts> f : running) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed = failed != null ? failed : e;
            } catch (ExecutionException e) {
                failed = failed != null ? failed : e.getCause();
            }
        }
        if (failed instanceof RuntimeException re) {
            throw re;
        }
        if (failed instanceof Error err) {
            throw err;
        }
        if (failed != null) {
            throw new IllegalStateException("a replica failed: " + failed, failed);
        }
        return out;
    }

    @Override
    public void close() {
        threads.forEach(ExecutorService::shutdownNow);
    }
}
