package e2kd.eval;

/**
 * Metrics of a student on one split.
 *
 * @param top1                   fraction of samples whose top-1 class is the label
 * @param agreement              fraction whose top-1 equals the teacher's top-1; null without a teacher
 * @param explanationSimilarity  mean per-sample cosine between teacher and student explanations for the teacher's
 *                               top-1 class; null without a teacher
 * @param count                  number of samples
 */
public record EvalResult(double top1, Double agreement, Double explanationSimilarity, int count) {}
