package e2kd.data;

/**
 * An object's axis-aligned box in image pixels: x to the right, y down, origin at the top-left
 * corner of the top-left pixel; columns {@code [x0, x1)} and rows {@code [y0, y1)} (x1 and y1
 * exclusive, so the width is {@code x1 - x0}). A Pascal VOC box (1-based, inclusive {@code
 * xmin..xmax}) is {@code new Box(xmin - 1, ymin - 1, xmax, ymax)}.
 */
public record Box(int x0, int y0, int x1, int y1) {
    /**
     * @throws IllegalArgumentException if the box is empty
     */
    public Box {
        if (x1 <= x0 || y1 <= y0) {
            throw new IllegalArgumentException(
                    "box x0=" + x0 + " y0=" + y0 + " x1=" + x1 + " y1=" + y1 + " is empty; need x0 < x1, y0 < y1");
        }
    }

    /** Whether the box lies inside a {@code height x width} image. */
    public boolean fits(int height, int width) {
        return x0 >= 0 && y0 >= 0 && x1 <= width && y1 <= height;
    }

    @Override
    public String toString() {
        return "x0=" + x0 + " y0=" + y0 + " x1=" + x1 + " y1=" + y1;
    }
}
