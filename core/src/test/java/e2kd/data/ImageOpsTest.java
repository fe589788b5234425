package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ImageOpsTest {
    private static Image row(float... values) {
        return new Image(1, 1, values.length, values);
    }

    @Test
    void upsamplingMatchesPytorchAlignCornersFalse() {
        // torch.nn.functional.interpolate(tensor([[[[0., 1.]]]]), size=(1, 4), mode="bilinear")
        assertArrayEquals(
                new float[] {0f, 0.25f, 0.75f, 1f},
                ImageOps.resizeBilinear(row(0, 1), 1, 4).data(),
                1e-6f);
    }

    @Test
    void downsamplingSamplesBetweenPixelsWithoutAntialias() {
        // interpolate(tensor([0., 1., 2., 3.]), size=2, mode="linear") == [0.5, 2.5]
        assertArrayEquals(
                new float[] {0.5f, 2.5f},
                ImageOps.resizeBilinear(row(0, 1, 2, 3), 1, 2).data(),
                1e-6f);
    }

    @Test
    void resizeIsSeparableOverRowsAndColumns() {
        Image src = new Image(1, 2, 2, new float[] {0, 1, 2, 3});
        Image out = ImageOps.resizeBilinear(src, 4, 4);
        assertEquals(0f, out.get(0, 0, 0));
        assertEquals(3f, out.get(0, 3, 3));
        assertEquals(0.25f + 2 * 0.25f, out.get(0, 1, 1), 1e-6f);
    }

    @Test
    void cropAndFlipEveryChannel() {
        float[] data = new float[2 * 3 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        Image src = new Image(2, 3, 4, data);
        Image crop = ImageOps.crop(src, 1, 2, 2, 2);
        assertArrayEquals(new float[] {6, 7, 10, 11, 18, 19, 22, 23}, crop.data());
        Image flipped = ImageOps.flipHorizontal(crop);
        assertArrayEquals(new float[] {7, 6, 11, 10, 19, 18, 23, 22}, flipped.data());
    }

    @Test
    void cropOutsideTheImageIsRejected() {
        Image src = Image.zeros(3, 4, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageOps.crop(src, 2, 0, 3, 4));
        assertEquals("crop box top=2 left=0 height=3 width=4 does not fit inside (3,4,4)", e.getMessage());
    }
}
