package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.distill.Criterion;
import e2kd.distill.CriterionContext;
import e2kd.distill.CriterionFactory;
import e2kd.distill.CriterionInput;
import e2kd.distill.CriterionSpec;
import e2kd.distill.Needs;
import e2kd.nn.Module;
import e2kd.nn.ops.Scalars;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code crd}: contrastive representation distillation (Tian et al. 2020) as RepDistiller / mdistiller run it. Both
 * networks' pooled features go through their own {@link Embed} (linear to {@code feat_dim}, L2-normalised); each
 * sample is contrasted with {@code k} negatives ({@link NegativeSampler}) through the {@link ContrastMemory}
 * (temperature {@code temperature}, update {@code momentum}), and the term is the NCE loss of the student's scores
 * plus that of the teacher's ({@link #nce}). Parameters: {@code feat_dim} (128), {@code k} (16384),
 * {@code temperature} (0.07), {@code momentum} (0.5). The embeddings train with the student; the memory bank and
 * the normalisers are saved and resumed with the run.
 */
public final class CrdCriterion implements Criterion {
    public static final CriterionFactory FACTORY = CriterionFactory.of("crd", 0.8, CrdCriterion::create);
    /** The ε of the original NCE loss. */
    private static final double EPS = 1e-7;

    private static final List<String> POOLED = List.of(FeatureProbe.POOLED);
    private final State state;
    private final NegativeSampler sampler;
    private final long size;

    /** The criterion's module: {@code embed_s}, {@code embed_t} and {@code contrast}. */
    static final class State extends Module {
        final Embed student;
        final Embed teacher;
        final ContrastMemory memory;

        State(NDManager m, long studentDim, long teacherDim, int dim, long size, double temperature, double momentum) {
            student = child("embed_s", new Embed(m, (int) studentDim, dim));
            teacher = child("embed_t", new Embed(m, (int) teacherDim, dim));
            memory = child("contrast", new ContrastMemory(m, dim, size, temperature, momentum));
        }
    }

    CrdCriterion(State state, NegativeSampler sampler, long size) {
        this.state = state;
        this.sampler = sampler;
        this.size = size;
    }

    private static Criterion create(CriterionSpec spec, CriterionContext context) {
        int dim = spec.integer("feat_dim", 128);
        int k = spec.integer("k", 16384);
        double temperature = spec.number("temperature", 0.07);
        double momentum = spec.number("momentum", 0.5);
        if (context.student() == null || context.teacher() == null || context.trainLabels() == null) {
            throw new IllegalArgumentException("loss term crd needs a student, a live teacher and the training labels");
        }
        if (dim < 1 || !(temperature > 0) || !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("loss term crd: feat_dim=" + dim + " must be >= 1, temperature="
                    + temperature + " > 0 and momentum=" + momentum + " in [0, 1)");
        }
        long studentDim = FeatureProbe.channels(context.student(), POOLED).get(FeatureProbe.POOLED);
        long teacherDim = FeatureProbe.channels(context.teacher(), POOLED).get(FeatureProbe.POOLED);
        int[] labels = context.trainLabels();
        State state = new State(context.manager(), studentDim, teacherDim, dim, labels.length, temperature, momentum);
        return new CrdCriterion(state, new NegativeSampler(labels, k, context.seed()), labels.length);
    }

    @Override
    public Needs needs() {
        return Needs.features(Set.copyOf(POOLED), Set.copyOf(POOLED));
    }

    @Override
    public NDArray compute(CriterionInput in) {
        if (in.indices() == null) {
            throw new IllegalStateException("loss term crd needs each sample's training index");
        }
        return loss(
                in.student().feature(FeatureProbe.POOLED),
                in.teacher().feature(FeatureProbe.POOLED),
                in.indices(),
                sampler.draw(in.indices(), in.step()));
    }

    /** The term for pooled features (B, K_S), (B, K_T) against the given contrast indices; updates the memory. */
    NDArray loss(NDArray studentPooled, NDArray teacherPooled, long[] indices, long[] contrast) {
        NDArray vs = state.student.forward(studentPooled);
        NDArray vt = state.teacher.forward(teacherPooled.stopGradient());
        ContrastMemory.Scores s = state.memory.forward(vs, vt, indices, contrast);
        return nce(s.student(), size).add(nce(s.teacher(), size));
    }

    /**
     * The NCE loss of scores x (B, K+1) against a uniform noise distribution over the N training samples (RepDistiller's
     * {@code ContrastLoss}): with c = K/N + ε,
     * −(1/B)·Σ_b [ log(x_b0 / (x_b0 + c)) + Σ_{j≥1} log((K/N) / (x_bj + c)) ].
     */
    static NDArray nce(NDArray x, long size) {
        long b = x.getShape().get(0);
        long k = x.getShape().get(1) - 1;
        double noise = (double) k / size;
        NDArray positive = x.get(":, 0");
        NDArray negative = x.get(":, 1:");
        NDArray c = Scalars.of(x, noise + EPS);
        NDArray logD1 = positive.div(positive.add(c)).log();
        NDArray logD0 = Scalars.of(x, noise).div(negative.add(c)).log();
        return Scalars.div(logD1.sum().add(logD0.sum()).neg(), b);
    }

    @Override
    public Optional<Module> module() {
        return Optional.of(state);
    }

    /** Negatives per sample (fewer than asked for on a small data set). */
    int negatives() {
        return sampler.k();
    }
}
