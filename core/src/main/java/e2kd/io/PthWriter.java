package e2kd.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a state dict as {@code torch.save} does, loadable by {@code torch.load(path, weights_only=True)} and then
 * {@code module.load_state_dict(sd, strict=True)}. The zip holds, under the folder {@code archive/}: {@code data.pkl}
 * (protocol 2: an {@code OrderedDict} of {@code _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())}
 * whose storages are persistent ids {@code ('storage', torch.<Type>Storage, '<i>', 'cpu', numel)}), {@code byteorder}
 * ({@code little}), {@code data/<i>} (each tensor's contiguous little-endian bytes) and {@code version} ({@code 3}).
 *
 * <p>As PyTorch's own writer does, entries are stored uncompressed and every entry's data starts at a multiple of 64
 * bytes, padded with an extra field of id {@code "FB"}; {@link ZipOutputStream} writes these headers, and the
 * padding length is computed from the bytes written so far. The file is written atomically.
 */
public final class PthWriter {
    private static final String ARCHIVE = "archive/";
    private static final int ALIGNMENT = 64;
    private static final int LOCAL_HEADER = 30;
    private static final int EXTRA_HEADER = 4;
    /** Makes the output reproducible; within the DOS date range, so no timestamp extra field is added. */
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2020, 1, 1, 0, 0);

    private PthWriter() {}

    public static void write(StateDict stateDict, Path file) {
        byte[] pickle = pickle(stateDict);
        AtomicFiles.write(file, out -> {
            CountingStream counted = new CountingStream(out);
            ZipOutputStream zip = new ZipOutputStream(counted);
            add(zip, counted, ARCHIVE + "data.pkl", ByteBuffer.wrap(pickle));
            add(zip, counted, ARCHIVE + "byteorder", ascii("little"));
            int i = 0;
            for (TensorData t : stateDict.asMap().values()) {
                add(zip, counted, ARCHIVE + "data/" + i++, t.data());
            }
            add(zip, counted, ARCHIVE + "version", ascii("3\n"));
            zip.finish();
        });
    }

    private static byte[] pickle(StateDict stateDict) {
        PickleWriter p = new PickleWriter();
        p.global("collections", "OrderedDict").op(')').op('R').mark();
        int i = 0;
        for (Map.Entry<String, TensorData> e : stateDict) {
            TensorData t = e.getValue();
            long[] shape = t.shape();
            p.string(e.getKey()).global("torch._utils", "_rebuild_tensor_v2").mark();
            p.mark()
                    .string("storage")
                    .global("torch", t.dtype().storageClass())
                    .string(String.valueOf(i++))
                    .string("cpu")
                    .integer(t.numel())
                    .op('t')
                    .op('Q'); // persistent id, BINPERSID
            // storage_offset, size, stride, requires_grad (NEWFALSE)
            p.integer(0).intTuple(shape).intTuple(rowMajorStrides(shape)).op((char) 0x89);
            p.global("collections", "OrderedDict").op(')').op('R'); // backward_hooks
            p.op('t').op('R');
        }
        return p.op('u').finish(); // SETITEMS, STOP
    }

    private static long[] rowMajorStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            stride[d] = s;
            s *= shape[d];
        }
        return stride;
    }

    /** Adds a stored entry whose data starts at a multiple of {@link #ALIGNMENT} in the file. */
    private static void add(ZipOutputStream zip, CountingStream counted, String name, ByteBuffer data)
            throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.remaining());
        e.setCompressedSize(data.remaining());
        CRC32 crc = new CRC32();
        crc.update(data.duplicate());
        e.setCrc(crc.getValue());
        e.setTimeLocal(FIXED_TIME);
        long headerEnd = counted.count + LOCAL_HEADER + name.length() + EXTRA_HEADER;
        int pad = (int) Math.floorMod(-headerEnd, (long) ALIGNMENT);
        byte[] extra = new byte[EXTRA_HEADER + pad];
        extra[0] = 'F';
        extra[1] = 'B';
        extra[2] = (byte) pad;
        Arrays.fill(extra, EXTRA_HEADER, extra.length, (byte) 'Z');
        e.setExtra(extra);
        zip.putNextEntry(e);
        Buffers.write(data, zip);
        zip.closeEntry();
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Counts the bytes written, i.e. the current offset in the file. */
    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
