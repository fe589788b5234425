package e2kd.eval;

/**
 * Metrics of a student on one split.
 *
 * @param top1                   fraction of samples whose top-1 class is the label
 * @param top5                   fraction whose label is among the 5 largest logits
 * @param agreement              fraction whose top-1 equals the teacher's top-1; null without a teacher
 * @param explanationSimilarity  mean per-sample cosine between teacher and student explanations for the teacher's
 *                               top-1 class; null without a teacher
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
     * Mean EPG of the explanations for the labelled class, over the samples with a box pixel inside the evaluated
     * crop and some positive attribution (see {@link EnergyPointingGame}).
     *
     * @param epg        the student's mean EPG; null when no sample counts
     * @param teacherEpg the teacher's mean EPG over the samples counted for it; null without a teacher
     * @param count      samples counted for the student
     */
    public record Localization(Double epg, Double teacherEpg, int count) {}
}
