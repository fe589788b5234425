package e2kd.distill;

import ai.djl.ndarray.NDArray;

/**
 * What the student is distilled from, per batch: the teacher's logits (B, C), its top-1 classes (B) and its
 * explanation for them (null when the explanation term is off). Live or precomputed (frozen e²KD).
 */
public record TeacherOutput(NDArray logits, NDArray top1, NDArray map) {}
