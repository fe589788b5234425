package e2kd.data;

import e2kd.io.E2kdIoException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * One Pascal VOC annotation file ({@code Annotations/<id>.xml}): the image file name, its size and
 * its objects. VOC boxes are 1-based with inclusive corners ({@code xmin..xmax} covers {@code
 * xmax - xmin + 1} pixels); they are converted to {@link Box}'s 0-based exclusive form as {@code
 * x0 = xmin - 1, x1 = xmax} (same for y). Fractional coordinates, found in a few VOC files, are
 * widened outwards ({@code floor(xmin) - 1}, {@code ceil(xmax)}). Objects marked difficult are kept.
 * DOCTYPE declarations are refused, so no external entity is ever read.
 *
 * @param filename the {@code <filename>} entry (the image under {@code JPEGImages})
 * @param height {@code <size><height>}
 * @param width {@code <size><width>}
 * @param objects the objects in file order
 */
public record VocAnnotation(String filename, int height, int width, List<VocObject> objects) {
    /** One {@code <object>}: its class name and box. */
    public record VocObject(String name, Box box) {}

    /**
     * Parses {@code file}.
     *
     * @throws E2kdDataException one line naming the file and line for malformed XML, a missing or
     *     non-numeric field, or a box outside the image
     */
    public static VocAnnotation read(Path file) {
        Handler handler = new Handler(file);
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            SAXParser parser = factory.newSAXParser();
            parser.parse(file.toFile(), handler);
        } catch (SAXParseException e) {
            throw new E2kdDataException(
                    file + " line " + e.getLineNumber() + ": malformed XML (" + e.getMessage() + ")", e);
        } catch (SAXException | ParserConfigurationException e) {
            throw new E2kdDataException(file + ": cannot parse XML (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new E2kdDataException(file + ": cannot read annotation (" + E2kdIoException.reason(e) + ")", e);
        }
        return handler.result();
    }

    /** Collects the leaf values under {@code <size>} and each {@code <object>}, with line numbers. */
    private static final class Handler extends DefaultHandler {
        private static final String BOX_LINE = "#line";
        private final Path file;
        private Locator locator;
        private final StringBuilder text = new StringBuilder();
        private final List<String> path = new ArrayList<>();
        private String filename;
        private final Map<String, String> size = new java.util.HashMap<>();
        private Map<String, String> object;
        private int objectLine;
        private final List<Map<String, String>> objects = new ArrayList<>();
        private final List<Integer> objectLines = new ArrayList<>();

        Handler(Path file) {
            this.file = file;
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String local, String name, Attributes attributes) {
            path.add(name);
            text.setLength(0);
            if (path.size() == 2 && "object".equals(name)) {
                object = new java.util.HashMap<>();
                objectLine = line();
            } else if (object != null && path.size() == 3 && "bndbox".equals(name)) {
                object.put(BOX_LINE, Integer.toString(line()));
            }
        }

        private int line() {
            return locator == null ? 0 : locator.getLineNumber();
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            text.append(ch, start, length);
        }

        @Override
        public void endElement(String uri, String local, String name) {
            String value = text.toString().strip();
            String parent = path.size() >= 2 ? path.get(path.size() - 2) : "";
            if (path.size() == 2 && "filename".equals(name)) {
                filename = value;
            } else if (path.size() == 3 && "size".equals(parent)) {
                size.put(name, value);
            } else if (object != null && path.size() == 3 && "name".equals(name)) {
                object.put("name", value);
            } else if (object != null && path.size() == 4 && "bndbox".equals(parent)) {
                object.put(name, value);
            } else if (path.size() == 2 && "object".equals(name)) {
                objects.add(object);
                objectLines.add(objectLine);
                object = null;
            }
            path.remove(path.size() - 1);
            text.setLength(0);
        }

        VocAnnotation result() {
            if (filename == null || filename.isEmpty()) {
                throw new E2kdDataException(file + ": no <filename> entry");
            }
            int width = (int) number(size, "width", 0, "<size>");
            int height = (int) number(size, "height", 0, "<size>");
            if (width <= 0 || height <= 0) {
                throw new E2kdDataException(
                        file + ": <size> width=" + width + " height=" + height + " must be positive");
            }
            List<VocObject> out = new ArrayList<>();
            for (int i = 0; i < objects.size(); i++) {
                Map<String, String> o = objects.get(i);
                int line = objectLines.get(i);
                String name = o.getOrDefault("name", "");
                if (name.isEmpty()) {
                    throw new E2kdDataException(file + " line " + line + ": <object> without <name>");
                }
                line = Integer.parseInt(o.getOrDefault(BOX_LINE, Integer.toString(line)));
                int x0 = (int) Math.floor(number(o, "xmin", line, "<bndbox>")) - 1;
                int y0 = (int) Math.floor(number(o, "ymin", line, "<bndbox>")) - 1;
                int x1 = (int) Math.ceil(number(o, "xmax", line, "<bndbox>"));
                int y1 = (int) Math.ceil(number(o, "ymax", line, "<bndbox>"));
                Box box;
                try {
                    box = new Box(x0, y0, x1, y1);
                } catch (IllegalArgumentException e) {
                    throw new E2kdDataException(file + " line " + line + ": object " + name + ": " + e.getMessage());
                }
                if (!box.fits(height, width)) {
                    throw new E2kdDataException(file + " line " + line + ": object " + name + " box xmin="
                            + o.get("xmin") + " ymin=" + o.get("ymin") + " xmax=" + o.get("xmax") + " ymax="
                            + o.get("ymax") + " (1-based, inclusive) leaves the " + width + "x" + height + " image");
                }
                out.add(new VocObject(name, box));
            }
            return new VocAnnotation(filename, height, width, List.copyOf(out));
        }

        private double number(Map<String, String> values, String key, int line, String element) {
            String where = file + (line > 0 ? " line " + line : "") + ": ";
            String value = values.get(key);
            if (value == null) {
                throw new E2kdDataException(where + element + " has no <" + key + ">");
            }
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new E2kdDataException(where + element + " <" + key + "> '" + value + "' is not a number");
            }
        }
    }
}
