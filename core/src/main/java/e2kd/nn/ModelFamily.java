package e2kd.nn;

/**
 * What differs between B-cos and standard networks, as one value: the input contract (6-channel B-cos encoding or
 * ImageNet mean/std), the ground-truth loss, the default explainer and the default gradient clipping (METHOD.md §3).
 * Code asks the family instead of testing for it.
 */
public enum ModelFamily {
    /** B-cos-v2 networks: [r, g, b, 1−r, 1−g, 1−b] input, uniform-off-label BCE, W(x) explanations, AGC. */
    BCOS(6, GroundTruthLoss.UNIFORM_OFF_LABEL_BCE, "bcos", "agc"),
    /** torchvision networks: ImageNet mean/std input, cross-entropy, GradCAM, no clipping. */
    STANDARD(3, GroundTruthLoss.CROSS_ENTROPY, "gradcam", "none");

    private final int inChannels;
    private final GroundTruthLoss groundTruthLoss;
    private final String defaultExplainer;
    private final String defaultClip;

    ModelFamily(int inChannels, GroundTruthLoss groundTruthLoss, String defaultExplainer, String defaultClip) {
        this.inChannels = inChannels;
        this.groundTruthLoss = groundTruthLoss;
        this.defaultExplainer = defaultExplainer;
        this.defaultClip = defaultClip;
    }

    /** Channels of the encoded input. */
    public int inChannels() {
        return inChannels;
    }

    /**
     * The label loss of training from labels and of the optional ground-truth term on single-label data (multi-label
     * data: {@code e2kd.distill.Labelling}).
     */
    public GroundTruthLoss groundTruthLoss() {
        return groundTruthLoss;
    }

    /** The explainer {@code explainer: auto} resolves to. */
    public String defaultExplainer() {
        return defaultExplainer;
    }

    /** The clipping {@code clip: auto} resolves to ({@code agc} or {@code none}). */
    public String defaultClip() {
        return defaultClip;
    }

    /** The input contract at {@code size} px. */
    public InputContract contract(int size) {
        return this == BCOS ? InputContract.bcos(size) : InputContract.imagenet(size);
    }
}
