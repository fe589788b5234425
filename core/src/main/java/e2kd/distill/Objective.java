package e2kd.distill;

import ai.djl.ndarray.NDArray;
import e2kd.distill.criteria.ExplanationCriterion;
import e2kd.distill.criteria.GroundTruthCriterion;
import e2kd.nn.Module;
import e2kd.nn.ops.Scalars;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's objective: a weighted list of criteria, L = Σ_i w_i·L_i (e²KD, paper Eq. 3: L_KD + λ·L_exp (+ γ·L_gt)).
 * Terms are summed in list order; a weight of 1 is applied as is (no multiplication), a term of weight 0 is left
 * out, and a term inactive at a step ({@link Criterion#activeAt}) is not computed.
 */
public final class Objective {
    /** A criterion under its label (its name, or name_2, name_3, … when the name repeats) with its weight. */
    public record Term(String label, double weight, Criterion criterion) {}

    private final List<Term> terms;

    public Objective(List<Term> terms) {
        this.terms = List.copyOf(terms);
    }

    /** Builds the criteria of {@code specs} through the registry. */
    public static Objective of(List<CriterionSpec> specs, CriterionContext context) {
        List<Term> terms = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (CriterionSpec spec : specs) {
            Criterion c = Criteria.create(spec, context);
            int n = seen.merge(spec.name(), 1, Integer::sum);
            if (spec.weight() > 0) {
                terms.add(new Term(n == 1 ? spec.name() : spec.name() + "_" + n, spec.weight(), c));
            }
        }
        return new Objective(terms);
    }

    /**
     * The terms of paper Eq. 3 as {@code loss:} entries: the labelling's KD term (τ; kd, or sigmoid_kd on multi-label
     * data), then explanation (λ, every {@code every}-th step) when λ > 0, then ground_truth (γ) when γ > 0.
     */
    public static List<CriterionSpec> e2kdTerms(
            Labelling labelling, double tau, double lambda, double gamma, int every) {
        List<CriterionSpec> terms = new ArrayList<>();
        terms.add(labelling.kd(tau));
        if (lambda > 0) {
            terms.add(new CriterionSpec(ExplanationCriterion.FACTORY.name(), lambda, Map.of("every", every)));
        }
        if (gamma > 0) {
            terms.add(groundTruth(gamma));
        }
        return terms;
    }

    /** The label term alone, as training from labels uses it. */
    public static CriterionSpec groundTruth(double weight) {
        return new CriterionSpec(GroundTruthCriterion.FACTORY.name(), weight, Map.of());
    }

    /** e²KD's objective L_KD + λ·L_exp (λ = 0: plain KD), explanation on every step. */
    public static Objective e2kd(double tau, double lambda) {
        return of(e2kdTerms(Labelling.SINGLE_LABEL, tau, lambda, 0, 1), new CriterionContext(null, null, null, 0));
    }

    public List<Term> terms() {
        return terms;
    }

    /** What the terms active at {@code step} read. */
    public Needs needsAt(long step) {
        boolean teacher = false;
        boolean explanation = false;
        Set<String> student = new HashSet<>();
        Set<String> teacherFeatures = new HashSet<>();
        for (Term t : terms) {
            if (t.criterion().activeAt(step)) {
                Needs n = t.criterion().needs();
                teacher |= n.teacher() || n.explanation();
                explanation |= n.explanation();
                student.addAll(n.studentFeatures());
                teacherFeatures.addAll(n.teacherFeatures());
            }
        }
        return new Needs(teacher, explanation, student, teacherFeatures);
    }

    /** Whether some term ever reads what {@code needs} selects (e.g. {@code Needs::explanation}). */
    public boolean anyNeeds(java.util.function.Predicate<Needs> needs) {
        return terms.stream().anyMatch(t -> needs.test(t.criterion().needs()));
    }

    /** The criteria's own modules by term label (their parameters and state). */
    public Map<String, Module> modules() {
        Map<String, Module> out = new LinkedHashMap<>();
        for (Term t : terms) {
            t.criterion().module().ifPresent(m -> out.put(t.label(), m));
        }
        return out;
    }

    /**
     * The objective at step 0 from given outputs, without features: teacher logits and map (the map may be null
     * when no term reads explanations), student logits and map, labels (may be null when no term reads them).
     */
    public LossParts compute(
            NDArray teacherLogits, NDArray studentLogits, NDArray teacherMap, NDArray studentMap, NDArray labels) {
        return compute(new CriterionInput(
                new StudentOutput(studentLogits, studentMap, Map.of()),
                new TeacherOutput(teacherLogits, teacherLogits.argMax(1), teacherMap),
                labels,
                null,
                0));
    }

    /** The weighted sum of the terms active at {@code in.step()} and each term's value. */
    public LossParts compute(CriterionInput in) {
        NDArray total = null;
        Map<String, NDArray> parts = new LinkedHashMap<>();
        for (Term t : terms) {
            if (!t.criterion().activeAt(in.step())) {
                continue;
            }
            NDArray value = t.criterion().compute(in);
            parts.put(t.label(), value);
            NDArray weighted = t.weight() == 1 ? value : Scalars.mul(value, t.weight());
            total = total == null ? weighted : total.add(weighted);
        }
        if (total == null) {
            throw new IllegalStateException("no loss term is active at step " + in.step() + " (terms: "
                    + terms.stream().map(Term::label).toList() + ")");
        }
        return new LossParts(total, parts);
    }
}
