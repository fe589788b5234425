package e2kd.eval;

import java.util.List;

/**
 * Metrics of a student on one split.
 *
 * @param top1                   fraction of samples whose top-1 class is the label (one of their classes, for
 *                               multi-label data)
 * @param top5                   fraction with the label (one of their classes) among the 5 largest logits
 * @param agreement              fraction whose top-1 equals the teacher's top-1; null without a teacher
 * @param explanationSimilarity  mean per-sample cosine between teacher and student explanations for the teacher's
 *                               explained class (its top-1; multi-label: the labelled class it scores highest); null
 *                               without a teacher
 * @param localization           energy pointing game scores; null when the data has no boxes
 * @param count                  number of samples
 */
public record EvalResult(
        double top1,
        double top5,
        Double agreement,
        Double explanationSimilarity,
        Localization localization,
        int count) {
    /**
     * Mean EPG of the explanations for each class a sample has (its label; every class of a multi-label sample),
     * over the (sample, class) pairs with a box pixel of that class inside the evaluated crop and some positive
     * attribution (see {@link EnergyPointingGame}).
     *
     * @param epg        the student's mean EPG; null when no pair counts
     * @param teacherEpg the teacher's mean EPG over the pairs counted for it; null without a teacher
     * @param count      pairs counted for the student
     * @param perClass   the same per class, ascending, for the classes with a counted pair
     */
    public record Localization(Double epg, Double teacherEpg, int count, List<ClassEpg> perClass) {
        public Localization {
            perClass = List.copyOf(perClass);
        }
    }

    /** EPG of one class: student mean, teacher mean (null without a teacher) and the student's pairs counted. */
    public record ClassEpg(int cls, Double epg, Double teacherEpg, int count) {}
}
