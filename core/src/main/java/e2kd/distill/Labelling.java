package e2kd.distill;

import ai.djl.ndarray.NDArray;
import e2kd.data.LabeledDataset;
import e2kd.distill.criteria.KdCriterion;
import e2kd.explain.ClassChoice;
import e2kd.nn.GroundTruthLoss;
import e2kd.nn.ModelFamily;
import java.util.Map;

/**
 * Single- or multi-label data, and what follows from it for training and evaluation (METHOD.md §7); the one place
 * that reads {@link LabeledDataset#multiLabel()}. What does not depend on it reads a batch's targets, each sample's
 * classes as a 0/1 row (accuracy counts a prediction among them, the energy pointing game runs for each).
 */
public enum Labelling {
    /** One class per image: softmax KD, the family's label loss, the teacher's top-1 class explained (e²KD). */
    SINGLE_LABEL(KdCriterion.FACTORY) {
        @Override
        public GroundTruthLoss groundTruthLoss(ModelFamily family) {
            return family.groundTruthLoss();
        }

        @Override
        public ClassChoice explained(NDArray targets) {
            return ClassChoice.top1();
        }
    },
    /**
     * Several classes per image (PASCAL VOC): KD on per-class sigmoids, binary cross-entropy on the class targets for
     * every family, and the labelled class the teacher scores highest explained.
     */
    MULTI_LABEL(KdCriterion.SIGMOID) {
        @Override
        public GroundTruthLoss groundTruthLoss(ModelFamily family) {
            return GroundTruthLoss.MULTI_LABEL_BCE;
        }

        @Override
        public ClassChoice explained(NDArray targets) {
            if (targets == null) {
                throw new IllegalArgumentException("multi-label data: the explained class needs the batch's targets");
            }
            return ClassChoice.highestAmong(targets);
        }
    };

    private final CriterionFactory kd;

    Labelling(CriterionFactory kd) {
        this.kd = kd;
    }

    /** The labelling of {@code data}. */
    public static Labelling of(LabeledDataset data) {
        return of(data.multiLabel());
    }

    /** The labelling of data that is multi-label or not (a config's {@code data} value tells it before opening). */
    public static Labelling of(boolean multiLabel) {
        return multiLabel ? MULTI_LABEL : SINGLE_LABEL;
    }

    /** The KD term of methods kd and e2kd at temperature {@code tau}, as a {@code loss:} entry of weight 1. */
    public CriterionSpec kd(double tau) {
        return new CriterionSpec(kd.name(), 1, Map.of("tau", tau));
    }

    /** The label loss of training from labels and of the {@code ground_truth} term for a student of {@code family}. */
    public abstract GroundTruthLoss groundTruthLoss(ModelFamily family);

    /**
     * The class whose explanation e²KD distills and explanation similarity compares, chosen on the teacher's logits;
     * {@code targets} (B, C) are the batch's class rows (not read for single-label data, may be null there).
     */
    public abstract ClassChoice explained(NDArray targets);
}
