package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EncodingTest {
    private static final Image RGB = new Image(3, 1, 2, new float[] {0f, 1f, 0.25f, 0.5f, 0.485f, 0.714f});

    @Test
    void bcosAppendsComplementChannels() {
        Image out = Encoding.bcos().encode(RGB);
        assertEquals("(6,1,2)", out.shape());
        assertEquals(6, Encoding.bcos().channels());
        assertArrayEquals(
                new float[] {0f, 1f, 0.25f, 0.5f, 0.485f, 0.714f, 1f, 0f, 0.75f, 0.5f, 0.515f, 0.286f},
                out.data(),
                1e-6f);
    }

    @Test
    void meanStdNormalisesPerChannel() {
        Image out = Encoding.imagenet().encode(RGB);
        assertEquals(-0.485f / 0.229f, out.get(0, 0, 0), 1e-6f);
        assertEquals((0.5f - 0.456f) / 0.224f, out.get(1, 0, 1), 1e-6f);
        assertEquals((0.485f - 0.406f) / 0.225f, out.get(2, 0, 0), 1e-6f);
        assertArrayEquals(RGB.data(), Encoding.rgb().encode(RGB).data());
        Image custom =
                Encoding.meanStd(new float[] {1, 1, 1}, new float[] {2, 2, 2}).encode(RGB);
        assertEquals(-0.5f, custom.get(0, 0, 0));
    }

    @Test
    void rejectsWrongChannelCountsAndBadStd() {
        assertThrows(IllegalArgumentException.class, () -> Encoding.bcos().encode(Image.zeros(6, 1, 1)));
        assertThrows(
                IllegalArgumentException.class, () -> Encoding.meanStd(new float[] {0, 0, 0}, new float[] {1, 0, 1}));
    }
}
