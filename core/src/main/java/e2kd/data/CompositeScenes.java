package e2kd.data;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Composite scenes from real grey items (e.g. Fashion-MNIST): each item, resized to a random size
 * in {@code [itemMin, itemMax]} px, is pasted at a random position on a {@code (canvas, canvas)}
 * {@link Textures} background, optionally over {@code clutter} fragments of other items. An item
 * keeps its grey values where its pixel exceeds {@link #THRESHOLD} (its mask) and the background
 * shows through elsewhere.
 *
 * <ul>
 *   <li>Shortcut scenes (Waterbirds-style, {@link #shortcut}): the background family is the
 *       "place". With probability {@code correlation} it is the class's own place (place {@code k}
 *       for class {@code k}), otherwise uniform over all places: 0 makes the background independent
 *       of the class, 1 puts every class always on its own background.
 *   <li>Localization scenes ({@link #localization}): a larger canvas with fragments of other items
 *       as clutter; the item's tight box is the box to point at.
 * </ul>
 *
 * <p>Scene {@code i} of split {@code s} depends only on {@code (seed, s, i)} and the item.
 */
public record CompositeScenes(int canvas, int itemMin, int itemMax, int clutter, long seed) {
    /** Item pixels above this grey value (in [0,1]) cover the background. */
    public static final float THRESHOLD = 0.1f;

    private static final int FRAGMENT = 12;

    /**
     * A rendered scene.
     *
     * @param image {@code (3,canvas,canvas)} in [0,1]
     * @param place the background family ({@link Textures#FAMILIES})
     * @param box the tight box of the item's visible pixels
     */
    public record Scene(Image image, int label, int place, Box box) {}

    /**
     * The items of one split and the class/background correlation to render them with.
     *
     * @param split Waterbirds split id ({@link Waterbirds#TRAIN}, {@link Waterbirds#VAL}, {@link
     *     Waterbirds#TEST})
     */
    public record Part(int split, LabeledDataset items, double correlation) {
        public Part {
            if (!(correlation >= 0 && correlation <= 1)) {
                throw new IllegalArgumentException("correlation " + correlation + " must be in [0, 1]");
            }
        }
    }

    /**
     * @throws IllegalArgumentException unless {@code 0 < itemMin <= itemMax <= canvas} and {@code
     *     clutter >= 0}
     */
    public CompositeScenes {
        if (itemMin <= 0 || itemMin > itemMax || itemMax > canvas || clutter < 0) {
            throw new IllegalArgumentException("scene sizes canvas=" + canvas + " items=" + itemMin + ".." + itemMax
                    + " clutter=" + clutter + ": need 0 < itemMin <= itemMax <= canvas, clutter >= 0");
        }
    }

    /** Items of 20–24 px on 32 px canvases, no clutter. */
    public static CompositeScenes shortcut(long seed) {
        return new CompositeScenes(32, 20, 24, 0, seed);
    }

    /** Items of 20–24 px on 40 px canvases over 4 fragments of other items. */
    public static CompositeScenes localization(long seed) {
        return new CompositeScenes(40, 20, 24, 4, seed);
    }

    /**
     * Renders item {@code index} of {@code part} (clutter fragments come from other items of the
     * same part).
     *
     * @throws IllegalArgumentException if the label has no place of its own (more classes than
     *     texture families) while {@code correlation > 0}
     */
    public Scene render(Part part, int index) {
        LabeledDataset items = part.items();
        int label = items.label(index);
        int places = Textures.FAMILIES.size();
        if (part.correlation() > 0 && label >= places) {
            throw new IllegalArgumentException(
                    "class " + label + " has no place of its own: only " + places + " texture families");
        }
        SplittableRandom rng = Seeds.random(seed, Seeds.SCENES, part.split(), index);
        int place = rng.nextDouble() < part.correlation() ? label : rng.nextInt(places);
        float[] pixels = Textures.render(place, canvas, canvas, rng).data().clone();
        for (int k = 0; k < clutter; k++) {
            Image other = items.image(rng.nextInt(items.size()));
            Image fragment = ImageOps.crop(
                    other,
                    rng.nextInt(other.height() - FRAGMENT + 1),
                    rng.nextInt(other.width() - FRAGMENT + 1),
                    FRAGMENT,
                    FRAGMENT);
            int size = 8 + rng.nextInt(5);
            paste(pixels, fragment, size, rng.nextInt(canvas - size + 1), rng.nextInt(canvas - size + 1));
        }
        int size = itemMin + rng.nextInt(itemMax - itemMin + 1);
        Box box =
                paste(pixels, items.image(index), size, rng.nextInt(canvas - size + 1), rng.nextInt(canvas - size + 1));
        return new Scene(new Image(3, canvas, canvas, pixels), label, place, box);
    }

    /**
     * Renders every item of every part and writes them in the Waterbirds layout under {@code dir}
     * ({@link SceneWriter}).
     */
    public void write(Path dir, List<String> classNames, List<Part> parts) {
        SceneWriter writer = new SceneWriter(dir, classNames, Textures.FAMILIES);
        for (Part part : parts) {
            for (int i = 0; i < part.items().size(); i++) {
                writer.add(part.split(), render(part, i));
            }
        }
        writer.finish();
    }

    /**
     * Pastes grey {@code item} (channel 0 of a {@code (3,h,w)} image), resized to {@code
     * (size,size)} (plain bilinear, {@link ImageOps#resizeBilinear}: drawing scenes is no torchvision
     * transform, and the scenes stay what they were before the data pipeline's resize became antialiased) with its top-left corner at column {@code left}, row {@code top}, into the {@code
     * (3,canvas,canvas)} {@code pixels}: every item pixel above {@link #THRESHOLD} replaces R, G and B.
     *
     * @return the tight box of the replaced pixels (the whole square if none was replaced)
     */
    Box paste(float[] pixels, Image item, int size, int left, int top) {
        Image scaled = ImageOps.resizeBilinear(item, size, size);
        int plane = canvas * canvas;
        int x0 = Integer.MAX_VALUE;
        int y0 = Integer.MAX_VALUE;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                float grey = scaled.get(0, y, x);
                if (grey > THRESHOLD) {
                    int at = (top + y) * canvas + left + x;
                    pixels[at] = grey;
                    pixels[plane + at] = grey;
                    pixels[2 * plane + at] = grey;
                    x0 = Math.min(x0, left + x);
                    y0 = Math.min(y0, top + y);
                    x1 = Math.max(x1, left + x + 1);
                    y1 = Math.max(y1, top + y + 1);
                }
            }
        }
        return x1 < 0 ? new Box(left, top, left + size, top + size) : new Box(x0, y0, x1, y1);
    }
}
