package e2kd.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.Fixtures;
import e2kd.render.BcosColourImage;
import e2kd.render.CamOverlay;
import e2kd.render.Picture;
import e2kd.render.Png;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Pictures against fixtures made by scripts/make_render_fixtures.py: B-cos-v2's gradient_to_image (PyTorch) and
 * pytorch-grad-cam's show_cam_on_image (OpenCV's jet), on a non-square 20x27 map.
 */
class RenderingTest {
    private static final int H = 20;
    private static final int W = 27;

    @Test
    void bcosColourImageMatchesGradientToImage() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> f = Fixtures.npz(m, "render-fixtures/render.npz");
            Picture p = BcosColourImage.render(
                    f.get("bcos_x").toFloatArray(), f.get("bcos_w").toFloatArray(), H, W);
            float[] expected = f.get("bcos_rgba").toFloatArray();
            assertEquals(4, p.channels());
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(expected[i] - p.hwc()[i]));
            }
            assertTrue(worst < 2e-5, "max |difference| " + worst);
            // The alpha cut-off really clips: some pixels are fully opaque, some nearly transparent.
            float maxAlpha = 0;
            float minAlpha = 1;
            for (int i = 3; i < expected.length; i += 4) {
                maxAlpha = Math.max(maxAlpha, expected[i]);
                minAlpha = Math.min(minAlpha, expected[i]);
            }
            assertTrue(maxAlpha == 1f && minAlpha < 0.2f, "alpha range " + minAlpha + ".." + maxAlpha);
        }
    }

    @Test
    void camOverlayMatchesShowCamOnImage() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> f = Fixtures.npz(m, "render-fixtures/render.npz");
            Picture p = CamOverlay.render(
                    f.get("cam_rgb").toFloatArray(), f.get("cam_map").toFloatArray(), H, W);
            long[] expected = f.get("cam_overlay").toLongArray();
            int[] actual = new int[expected.length];
            int[] want = new int[expected.length];
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    for (int c = 0; c < 3; c++) {
                        int i = (y * W + x) * 3 + c;
                        actual[i] = p.byteAt(y, x, c);
                        want[i] = (int) expected[i];
                    }
                }
            }
            assertArrayEquals(want, actual);
        }
    }

    @Test
    void jetTableEndsAreOpenCvs() {
        assertArrayEquals(new int[] {0, 0, 128}, CamOverlay.jet(0));
        assertArrayEquals(new int[] {128, 0, 0}, CamOverlay.jet(255));
    }

    @Test
    void pngKeepsBytesAndTransparency() throws IOException {
        float[] rgba = {1, 0, 0, 1, 0, 0.5f, 1, 0.25f, 0, 0, 0, 0};
        Picture p = new Picture(1, 3, 4, rgba);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(Png.encode(p)));
        assertEquals(3, back.getWidth());
        assertEquals(1, back.getHeight());
        assertEquals(0xFFFF0000, back.getRGB(0, 0));
        assertEquals(64 << 24 | 128 << 8 | 255, back.getRGB(1, 0));
        assertEquals(0, back.getRGB(2, 0) >>> 24);
    }
}
