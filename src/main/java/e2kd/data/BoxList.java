package e2kd.data;

import e2kd.io.E2kdIoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A box list file: one box per line, {@code img_filename,x0,y0,x1,y1} in pixels (x to the right, y
 * down, x1 and y1 exclusive; see {@link Box}); an image with several objects has several lines. An
 * optional first line starting with {@code img_filename} is a header; blank lines are skipped.
 * {@code img_filename} is relative to the folder holding the list file. Every image named is
 * checked to exist and its header is read so that boxes leaving the image are reported.
 */
public final class BoxList {
  private final Map<Path, ImageBoxes> byImage;

  private BoxList(Map<Path, ImageBoxes> byImage) {
    this.byImage = byImage;
  }

  /**
   * Reads {@code file}.
   *
   * @throws E2kdDataException one line naming the file and line number for a malformed line, a
   *     missing image or a box outside its image
   */
  public static BoxList read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new E2kdDataException(file + ": cannot read box list (" + E2kdIoException.reason(e) + ")", e);
    }
    Path dir = file.toAbsolutePath().getParent();
    Map<Path, List<Box>> boxes = new LinkedHashMap<>();
    Map<Path, int[]> sizes = new LinkedHashMap<>();
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty() || n == 0 && line.startsWith("img_filename")) {
        continue;
      }
      String where = file + " line " + (n + 1) + ": ";
      String[] f = line.split(",", -1);
      if (f.length != 5) {
        throw new E2kdDataException(where + "expected img_filename,x0,y0,x1,y1, got '" + line + "'");
      }
      Path image = dir.resolve(f[0].strip()).normalize();
      Box box;
      try {
        box = new Box(integer(f[1]), integer(f[2]), integer(f[3]), integer(f[4]));
      } catch (IllegalArgumentException e) {
        throw new E2kdDataException(where + e.getMessage());
      }
      int[] size = sizes.get(image);
      if (size == null) {
        try {
          size = ImageDecoder.size(image);
        } catch (E2kdDataException e) {
          throw new E2kdDataException(where + e.getMessage(), e);
        }
        sizes.put(image, size);
      }
      if (!box.fits(size[0], size[1])) {
        throw new E2kdDataException(where + "box " + box + " leaves the " + size[1] + "x" + size[0]
            + " (width x height) image " + f[0].strip());
      }
      boxes.computeIfAbsent(image, k -> new ArrayList<>()).add(box);
    }
    Map<Path, ImageBoxes> out = new LinkedHashMap<>();
    boxes.forEach((image, list) -> {
      int[] size = sizes.get(image);
      out.put(image, new ImageBoxes(size[0], size[1], list));
    });
    return new BoxList(out);
  }

  /** Number of images with boxes. */
  public int size() {
    return byImage.size();
  }

  /** The boxes of {@code image} (any path to it), or none with the size unknown. */
  public ImageBoxes find(Path image) {
    return byImage.get(image.toAbsolutePath().normalize());
  }

  /**
   * The image folder with these boxes attached by file path; samples without a line in the list
   * have no boxes (and count in no localization metric).
   */
  public BoxedDataset attach(ImageFolder folder) {
    return attach(folder, folder::file);
  }

  /** A Waterbirds-layout split (e.g. composite scenes with their boxes.csv), attached likewise. */
  public BoxedDataset attach(Waterbirds split) {
    return attach(split, split::file);
  }

  private BoxedDataset attach(LabeledDataset data, IntFunction<Path> files) {
    return new BoxedDataset() {
      @Override
      public ImageBoxes boxes(int index) {
        ImageBoxes found = find(files.apply(index));
        if (found != null) {
          return found;
        }
        int[] size = ImageDecoder.size(files.apply(index));
        return new ImageBoxes(size[0], size[1], List.of());
      }

      @Override
      public int size() {
        return data.size();
      }

      @Override
      public Image image(int index) {
        return data.image(index);
      }

      @Override
      public int label(int index) {
        return data.label(index);
      }

      @Override
      public List<String> classNames() {
        return data.classNames();
      }
    };
  }

  private static int integer(String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text.strip() + "' is not an integer pixel coordinate");
    }
  }
}
