package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import e2kd.TorchPython;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageOps#resize} against torchvision's resize of a PIL image (Debian's python3-torchvision and
 * python3-pil): random 8-bit RGB noise, the hardest case for aliasing, shrunk by 2, 3.3 and 8 (and unequal
 * factors per axis) agrees within one 8-bit level; the unantialiased {@link ImageOps#resizeBilinear} does not.
 */
class PilResizeTest {
    /** input height, input width, output height, output width. */
    private static final int[][] CASES = {
        {40, 66, 20, 33}, // 2
        {66, 99, 20, 30}, // 3.3
        {96, 64, 12, 8}, // 8
        {66, 48, 33, 6}, // 2 and 8
        {20, 64, 33, 8}, // up 1.65, down 8
    };

    private static final float LEVEL = 1f / 255f;

    private static final String SCRIPT = """
      import sys
      try:
          import torch
          from PIL import Image
          import torchvision.transforms.functional as F
          from torchvision.transforms import InterpolationMode
      except ImportError:
          print("NO_TORCH")
          sys.exit(0)
      out = sys.argv[1]
      cases = [[int(v) for v in c.split("x")] for c in sys.argv[2:]]
      g = torch.Generator().manual_seed(7)
      for i, (h, w, oh, ow) in enumerate(cases):
          pixels = torch.randint(0, 256, (h, w, 3), generator=g, dtype=torch.uint8).numpy()
          src = Image.fromarray(pixels, "RGB")
          src.save(f"{out}/in{i}.png")
          F.resize(src, [oh, ow], interpolation=InterpolationMode.BILINEAR).save(f"{out}/out{i}.png")
      print("OK")
      """;

    @TempDir
    Path tmp;

    @Test
    void matchesTorchvisionOnPilImagesWithinOneLevel() throws Exception {
        Path[] args = new Path[CASES.length + 1];
        args[0] = tmp;
        for (int i = 0; i < CASES.length; i++) {
            int[] c = CASES[i];
            args[i + 1] = Path.of(c[0] + "x" + c[1] + "x" + c[2] + "x" + c[3]);
        }
        String out = TorchPython.run(SCRIPT, args);
        TorchPython.requireTorch(out);
        assertEquals("OK", out.strip());
        for (int i = 0; i < CASES.length; i++) {
            int[] c = CASES[i];
            Image src = ImageDecoder.decode(tmp.resolve("in" + i + ".png"));
            Image expected = ImageDecoder.decode(tmp.resolve("out" + i + ".png"));
            assertEquals(c[0], src.height());
            String name = c[0] + "x" + c[1] + " -> " + c[2] + "x" + c[3];
            float antialiased = maxDifference(ImageOps.resize(src, c[2], c[3]), expected);
            assertTrue(antialiased <= LEVEL * 1.0001f, name + ": off by " + antialiased * 255 + " levels");
            float plain = maxDifference(ImageOps.resizeBilinear(src, c[2], c[3]), expected);
            assertTrue(plain > 4 * LEVEL, name + ": unantialiased resize off by only " + plain * 255 + " levels");
        }
    }

    @Test
    void upscalingIsThePlainBilinearResizeBitForBit() {
        float[] data = new float[3 * 5 * 7];
        for (int i = 0; i < data.length; i++) {
            data[i] = (i * 37 % 101) / 101f;
        }
        Image src = new Image(3, 5, 7, data);
        assertEquals(
                java.util.Arrays.toString(ImageOps.resizeBilinear(src, 9, 7).data()),
                java.util.Arrays.toString(ImageOps.resize(src, 9, 7).data()));
    }

    private static float maxDifference(Image a, Image b) {
        assertEquals(b.shape(), a.shape());
        float max = 0;
        for (int i = 0; i < a.data().length; i++) {
            max = Math.max(max, Math.abs(a.data()[i] - b.data()[i]));
        }
        return max;
    }
}
