package e2kd.render;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A heat map (GradCAM) drawn over its image as pytorch-grad-cam does it: {@code scale_cam_image} (m − min, then
 * ÷ (1e-7 + max)), then {@code show_cam_on_image(img, mask, use_rgb=True, image_weight=0.5)}: heat =
 * jet(uint8(255·m)) / 255 with OpenCV's COLORMAP_JET table, cam = 0.5·heat + 0.5·img, cam ÷ max(cam), then
 * uint8(255·cam) (numpy's uint8 cast truncates). The jet table is OpenCV's own, exported by
 * {@code scripts/make_jet_lut.py}.
 */
public final class CamOverlay {
    private static final int[][] JET = readJet();

    private CamOverlay() {}

    /**
     * @param rgb image (3, H, W) in [0, 1], CHW row-major (the preprocessed input, before its encoding)
     * @param cam heat map (H, W)
     * @return the RGB overlay
     */
    public static Picture render(float[] rgb, float[] cam, int height, int width) {
        int plane = height * width;
        if (rgb.length != 3 * plane || cam.length != plane) {
            throw new IllegalArgumentException("overlay needs image (3, " + height + ", " + width + ") and map ("
                    + height + ", " + width + "), got " + rgb.length + " and " + cam.length + " values");
        }
        float min = Float.POSITIVE_INFINITY;
        for (float v : cam) {
            min = Math.min(min, v);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (float v : cam) {
            max = Math.max(max, v - min);
        }
        float[] blend = new float[3 * plane];
        float top = 0;
        for (int p = 0; p < plane; p++) {
            float m = (cam[p] - min) / (1e-7f + max);
            int[] colour = JET[(int) (255f * m) & 0xFF];
            for (int c = 0; c < 3; c++) {
                float v = 0.5f * (colour[c] / 255f) + 0.5f * rgb[c * plane + p];
                blend[3 * p + c] = v;
                top = Math.max(top, v);
            }
        }
        for (int i = 0; i < blend.length; i++) {
            blend[i] = (int) (255f * (blend[i] / top)) / 255f;
        }
        return new Picture(height, width, 3, blend);
    }

    /** OpenCV's COLORMAP_JET as (r, g, b) bytes for each gray value 0..255. */
    public static int[] jet(int gray) {
        return JET[gray].clone();
    }

    private static int[][] readJet() {
        int[][] table = new int[256][];
        try (InputStream in = CamOverlay.class.getResourceAsStream("/e2kd/render/jet-lut.txt")) {
            if (in == null) {
                throw new IllegalStateException("resource /e2kd/render/jet-lut.txt is missing from the build");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (int i = 0; i < 256; i++) {
                String[] f = reader.readLine().trim().split(" ");
                table[i] = new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2])};
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the jet colour table: " + e.getMessage(), e);
        }
        return table;
    }
}
