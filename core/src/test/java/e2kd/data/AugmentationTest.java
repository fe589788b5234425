package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    /** A (3,h,w) image whose channels are distinct non-symmetric functions of (y,x). */
    static Image pattern(int h, int w) {
        float[] d = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                d[y * w + x] = (float) (0.5 + 0.4 * Math.sin(0.11 * x + 0.05 * y));
                d[(h + y) * w + x] = (x * 7 + y * 3) % 11 / 10f;
                d[(2 * h + y) * w + x] = (float) x / w;
            }
        }
        return new Image(3, h, w, d);
    }

    private static Image channel(Image img, int c) {
        return ImageOps.crop(
                new Image(1, img.channels() * img.height(), img.width(), img.data()),
                c * img.height(),
                0,
                img.height(),
                img.width());
    }

    @Property(tries = 300)
    void randomResizedCropStaysInBounds(
            @ForAll @IntRange(min = 1, max = 500) int h,
            @ForAll @IntRange(min = 1, max = 500) int w,
            @ForAll long seed) {
        RandomResizedCrop.Box box =
                RandomResizedCrop.sample(h, w, 0.08, 1.0, 3.0 / 4, 4.0 / 3, new SplittableRandom(seed));
        assertTrue(box.top() >= 0 && box.left() >= 0 && box.height() > 0 && box.width() > 0);
        assertTrue(box.top() + box.height() <= h && box.left() + box.width() <= w, box.toString());
    }

    @Test
    void sameSeedSameTransformDifferentSeedDifferent() {
        TrainAugmentation aug = TrainAugmentation.standard(224);
        GeometricTransform a = aug.sample(375, 500, Seeds.random(42, 1, 7));
        assertEquals(a, aug.sample(375, 500, Seeds.random(42, 1, 7)));
        assertNotEquals(a, aug.sample(375, 500, Seeds.random(42, 1, 8)));
        assertEquals(224, a.outHeight());
        assertEquals(224, a.outWidth());
    }

    @Test
    void impossibleScaleFallsBackToCentreCropWithClampedRatio() {
        // Area fraction 1 with aspect ratio 2 cannot fit a square image: fallback box is w x w/2.
        RandomResizedCrop.Box box = RandomResizedCrop.sample(100, 100, 1.0, 1.0, 2.0, 2.0, new SplittableRandom(1));
        assertEquals(new RandomResizedCrop.Box(25, 0, 50, 100), box);
    }

    @Test
    void flipProbabilityOneMirrorsAndZeroDoesNot() {
        Image img = pattern(8, 10);
        TrainAugmentation always = new TrainAugmentation(10, 1.0, 1.0, 1.25, 1.25, 1.0);
        GeometricTransform t = always.sample(8, 10, new SplittableRandom(3));
        assertTrue(t.flip());
        assertArrayEquals(
                ImageOps.flipHorizontal(t.withFlip(false).apply(img)).data(),
                t.apply(img).data());
        GeometricTransform never =
                new TrainAugmentation(10, 0.5, 1.0, 0.75, 1.33, 0.0).sample(8, 10, new SplittableRandom(3));
        assertFalse(never.flip());
    }

    @Test
    void flipIsAboutHalfTheTimeWithStandardSettings() {
        TrainAugmentation aug = TrainAugmentation.standard(32);
        int flips = 0;
        for (int i = 0; i < 2000; i++) {
            flips += aug.sample(40, 40, Seeds.random(5, i)).flip() ? 1 : 0;
        }
        assertTrue(flips > 900 && flips < 1100, "flips " + flips);
    }

    @Test
    void pairedTransformKeepsMapsPixelAligned() {
        Image img = pattern(60, 80);
        Image red = channel(img, 0);
        float[] six = new float[6 * 60 * 80];
        for (int c = 0; c < 6; c++) {
            System.arraycopy(img.data(), (c % 3) * 60 * 80, six, c * 60 * 80, 60 * 80);
        }
        Image sixMap = new Image(6, 60, 80, six);
        TrainAugmentation aug = TrainAugmentation.standard(48);
        for (int s = 0; s < 50; s++) {
            GeometricTransform t = aug.sample(60, 80, Seeds.random(11, s));
            Image out = t.apply(img);
            assertArrayEquals(channel(out, 0).data(), t.apply(red).data());
            Image outSix = t.apply(sixMap);
            assertEquals("(6,48,48)", outSix.shape());
            for (int c = 0; c < 6; c++) {
                assertArrayEquals(channel(out, c % 3).data(), channel(outSix, c).data());
            }
        }
    }

    /**
     * A linear ramp survives bilinear down- and up-sampling exactly except within a pixel of the
     * border, so away from it a half-resolution map must match the image's transform exactly.
     */
    @Test
    void lowerResolutionMapIsResampledToTheImageFirst() {
        int n = 64;
        float[] ramp = new float[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                ramp[y * n + x] = (x + 2 * y) / 200f;
            }
        }
        Image img = new Image(1, n, n, ramp);
        Image halfMap = ImageOps.resizeBilinear(img, n / 2, n / 2);
        TrainAugmentation aug = TrainAugmentation.standard(40);
        int compared = 0;
        for (int s = 0; s < 20; s++) {
            GeometricTransform t = aug.sample(n, n, Seeds.random(3, s));
            Image expected = t.apply(img);
            Image actual = t.apply(halfMap);
            assertEquals("(1,40,40)", actual.shape());
            for (int y = 0; y < 40; y++) {
                for (int x = 0; x < 40; x++) {
                    int xo = t.flip() ? 39 - x : x;
                    double sy = t.top() + (y + 0.5) * t.cropHeight() / 40.0 - 0.5;
                    double sx = t.left() + (xo + 0.5) * t.cropWidth() / 40.0 - 0.5;
                    if (sy >= 1.5 && sy <= n - 2.5 && sx >= 1.5 && sx <= n - 2.5) {
                        assertEquals(expected.get(0, y, x), actual.get(0, y, x), 1e-5f, t + " at " + y + "," + x);
                        compared++;
                    }
                }
            }
        }
        assertTrue(compared > 10_000, "compared " + compared);
    }

    @Test
    void evalTransformResizesShorterSideThenCentreCrops() {
        EvalTransform eval = EvalTransform.standard(224);
        assertEquals(256, eval.resizeShorter());
        GeometricTransform t = eval.sample(375, 500, null);
        assertEquals(256, t.scaledHeight());
        assertEquals(341, t.scaledWidth());
        assertEquals(16, t.top());
        assertEquals(58, t.left());
        assertEquals("(3,224,224)", t.apply(pattern(375, 500)).shape());
        GeometricTransform portrait = eval.sample(500, 375, null);
        assertEquals(341, portrait.scaledHeight());
        assertEquals(256, portrait.scaledWidth());
        assertEquals("(1,224,224)", portrait.apply(Image.zeros(1, 50, 30)).shape());
        assertEquals(32, EvalTransform.standard(28).resizeShorter());
    }

    @Test
    void identityLeavesTheImageAlone() {
        Image img = pattern(5, 7);
        assertArrayEquals(
                img.data(),
                Augmentation.identity().sample(5, 7, null).apply(img).data());
    }
}
