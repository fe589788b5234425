package e2kd.distill;

import ai.djl.ndarray.NDArray;

/**
 * What the criteria of one step read.
 *
 * @param student the student's outputs (recorded for backprop)
 * @param teacher the teacher's outputs (constants), or null when no criterion needs the teacher
 * @param labels  (B) int64
 * @param targets (B, C) each sample's classes as 0/1 rows (several ones for multi-label data), or null where no
 *                criterion reads them
 * @param indices each sample's index in the training split (for criteria with per-sample state)
 * @param step    0-based global step
 */
public record CriterionInput(
        StudentOutput student, TeacherOutput teacher, NDArray labels, NDArray targets, long[] indices, long step) {
    /** Without targets (single-label criteria). */
    public CriterionInput(StudentOutput student, TeacherOutput teacher, NDArray labels, long[] indices, long step) {
        this(student, teacher, labels, null, indices, step);
    }
}
