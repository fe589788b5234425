package e2kd.train;

import e2kd.data.Encoding;
import e2kd.nn.InputContract;

/** The data-layer encoding of a model's input contract. */
public final class Encodings {
    private Encodings() {}

    public static Encoding of(InputContract contract) {
        if (InputContract.BCOS.equals(contract.encoding())) {
            return Encoding.bcos();
        }
        float[] mean = new float[contract.mean().length];
        float[] std = new float[contract.std().length];
        for (int c = 0; c < mean.length; c++) {
            mean[c] = (float) contract.mean()[c];
            std[c] = (float) contract.std()[c];
        }
        return Encoding.meanStd(mean, std);
    }
}
