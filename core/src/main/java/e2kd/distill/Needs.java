package e2kd.distill;

import java.util.Set;

/**
 * What a {@link Criterion} reads in a step, besides the student's logits and the labels.
 *
 * @param teacher         the teacher's logits and top-1 classes
 * @param explanation     both networks' explanations for the teacher's top-1 class (implies {@code teacher})
 * @param studentFeatures named student features ({@link e2kd.nn.Model#tapNames()})
 * @param teacherFeatures named teacher features
 */
public record Needs(boolean teacher, boolean explanation, Set<String> studentFeatures, Set<String> teacherFeatures) {
    public static final Needs LABELS = new Needs(false, false, Set.of(), Set.of());
    public static final Needs TEACHER = new Needs(true, false, Set.of(), Set.of());
    public static final Needs EXPLANATIONS = new Needs(true, true, Set.of(), Set.of());

    public Needs {
        studentFeatures = Set.copyOf(studentFeatures);
        teacherFeatures = Set.copyOf(teacherFeatures);
    }

    /** Needs of a feature criterion: the teacher plus the named features of both networks. */
    public static Needs features(Set<String> student, Set<String> teacher) {
        return new Needs(true, false, student, teacher);
    }
}
