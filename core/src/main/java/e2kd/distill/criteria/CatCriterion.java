package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import e2kd.distill.Criterion;
import e2kd.distill.CriterionFactory;
import e2kd.distill.CriterionInput;
import e2kd.distill.Needs;
import java.util.Set;

/**
 * {@code cat}: class attention transfer (CAT-KD, Guo et al. 2023). The class activation maps of both networks
 * (tap {@code cam}: the classifier as a 1×1 convolution over the last feature map, no bias; for B-cos networks the
 * class maps before pooling), adaptive-average-pooled to {@code resolution} × {@code resolution} (default 4), then
 * the mean squared difference; with {@code normalize: true} each map is first L2-normalised over its positions
 * (the authors' IF_NORMALIZE, off in their ImageNet config). Default weight 0.5 (their β for ResNet-34 → 18).
 */
public final class CatCriterion implements Criterion {
    private static final String CAM = "cam";
    public static final CriterionFactory FACTORY = CriterionFactory.of(
            "cat",
            0.5,
            (spec, context) -> new CatCriterion(spec.integer("resolution", 4), spec.flag("normalize", false)));
    private final int resolution;
    private final boolean normalize;

    public CatCriterion(int resolution, boolean normalize) {
        if (resolution < 1) {
            throw new IllegalArgumentException("loss term cat: resolution=" + resolution + " must be at least 1");
        }
        this.resolution = resolution;
        this.normalize = normalize;
    }

    @Override
    public Needs needs() {
        return Needs.features(Set.of(CAM), Set.of(CAM));
    }

    @Override
    public NDArray compute(CriterionInput in) {
        return FeatureMaps.mse(
                pooled(in.student().feature(CAM)), pooled(in.teacher().feature(CAM)));
    }

    private NDArray pooled(NDArray cam) {
        NDArray p = FeatureMaps.adaptiveAvgPool(cam, resolution, resolution);
        if (!normalize) {
            return p;
        }
        long b = p.getShape().get(0);
        long c = p.getShape().get(1);
        return FeatureMaps.l2Normalize(p.reshape(b, c, -1), 2).reshape(p.getShape());
    }
}
