package e2kd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads test fixtures (.npy, .npz) from the test classpath. */
public final class Fixtures {
    private Fixtures() {}

    /** A little-endian .npy (version 1, C order, '<f8' / '<f4' / '<i8'). */
    public static NDArray npy(NDManager manager, String resource) {
        try (InputStream in = open(resource)) {
            ByteBuffer buf = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            int headerLength = buf.getShort(8) & 0xffff;
            String header = new String(buf.array(), 10, headerLength, StandardCharsets.US_ASCII);
            Matcher descr = Pattern.compile("'descr': '([<|]\\w\\d)'").matcher(header);
            Matcher shape = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(header);
            if (!descr.find() || !shape.find() || header.contains("'fortran_order': True")) {
                throw new IllegalArgumentException(resource + ": unsupported npy header " + header);
            }
            long[] dims = Arrays.stream(shape.group(1).split(","))
                    .map(String::trim)
                    .filter(t -> !t.isEmpty())
                    .mapToLong(Long::parseLong)
                    .toArray();
            DataType type = switch (descr.group(1)) {
                case "<f8" -> DataType.FLOAT64;
                case "<f4" -> DataType.FLOAT32;
                case "<i8" -> DataType.INT64;
                default -> throw new IllegalArgumentException(resource + ": unsupported dtype " + descr.group(1));
            };
            ByteBuffer data = buf.position(10 + headerLength).slice().order(ByteOrder.LITTLE_ENDIAN);
            return manager.create(data, new Shape(dims), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, NDArray> npz(NDManager manager, String resource) {
        try (InputStream in = open(resource)) {
            NDList list = NDList.decode(manager, in);
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (NDArray a : list) {
                out.put(a.getName(), a);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A file under core's src/test/resources, e.g. {@code torchvision/resnet18.pth}. Other modules' tests read it from
     * core's test jar: there it is copied to a temporary file (deleted when the JVM exits) with the same file name.
     */
    public static java.nio.file.Path path(String resource) {
        java.net.URL url = Fixtures.class.getResource("/" + resource);
        if (url == null) {
            throw new IllegalArgumentException("missing test resource " + resource);
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return java.nio.file.Path.of(url.toURI());
            }
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("e2kd-fixture");
            java.nio.file.Path copy =
                    dir.resolve(java.nio.file.Path.of(resource).getFileName().toString());
            try (InputStream in = url.openStream()) {
                java.nio.file.Files.copy(in, copy);
            }
            copy.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return copy;
        } catch (java.net.URISyntaxException | IOException e) {
            throw new IllegalArgumentException("cannot read test resource " + resource, e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = Fixtures.class.getResourceAsStream("/" + resource);
        if (in == null) {
            throw new IllegalArgumentException("missing test resource " + resource);
        }
        return in;
    }
}
