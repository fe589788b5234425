package e2kd.train;

import e2kd.distill.CriterionSpec;
import e2kd.distill.Labelling;
import e2kd.distill.Objective;
import java.util.Arrays;
import java.util.List;

/**
 * The config's {@code method}: where the teacher's outputs come from and, unless the config lists {@code loss:}
 * itself, the terms its {@code tau} / {@code lambda} / {@code gamma} / {@code guided_every} expand to. The only
 * place method names are read.
 */
public enum Method {
    /** From labels: the ground-truth term alone, no teacher. */
    LABELS("labels", TeacherSource.NONE, false),
    /** KD from the live teacher. */
    KD("kd", TeacherSource.LIVE, false),
    /** e²KD from the live teacher. */
    E2KD("e2kd", TeacherSource.LIVE, true),
    /** KD from the teacher's stored outputs ({@code frozen_dir}). */
    KD_FROZEN("kd-frozen", TeacherSource.FROZEN, false),
    /** e²KD from the teacher's stored outputs and maps. */
    E2KD_FROZEN("e2kd-frozen", TeacherSource.FROZEN, true);

    /** Where a run's teacher outputs come from. */
    public enum TeacherSource {
        NONE,
        LIVE,
        FROZEN
    }

    private final String id;
    private final TeacherSource teacher;
    private final boolean explains;

    Method(String id, TeacherSource teacher, boolean explains) {
        this.id = id;
        this.teacher = teacher;
        this.explains = explains;
    }

    /** The config value. */
    public String id() {
        return id;
    }

    public TeacherSource teacher() {
        return teacher;
    }

    /** The method of config value {@code id}. */
    public static Method parse(String id) {
        for (Method m : values()) {
            if (m.id.equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("config method=" + id + " is not valid; expected one of "
                + String.join(
                        ", ", Arrays.stream(values()).map(Method::id).sorted().toList()));
    }

    /**
     * The terms this method means on data of {@code labelling}: ground_truth alone for labels; otherwise
     * {@link Objective#e2kdTerms} (paper Eq. 3), without the explanation term for the KD methods.
     */
    public List<CriterionSpec> defaultLoss(
            Labelling labelling, double tau, double lambda, double gamma, int guidedEvery) {
        if (teacher == TeacherSource.NONE) {
            return List.of(Objective.groundTruth(1));
        }
        return Objective.e2kdTerms(labelling, tau, explains ? lambda : 0, gamma, guidedEvery);
    }
}
