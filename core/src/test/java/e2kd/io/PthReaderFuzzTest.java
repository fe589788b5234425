package e2kd.io;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of real torch.save files: truncations, byte flips, replaced opcodes and huge declared lengths, both
 * on the raw file (mostly caught by the zip layer and CRCs) and inside {@code data.pkl} re-zipped with valid CRCs (so
 * they reach the unpickler). Every case must end within 2 s in a load or an {@link E2kdIoException} naming the file.
 */
class PthReaderFuzzTest {
    private static final int CASES = 480;
    private static final long SEED = 0xE2CD_2026L;
    private static final String[] BASES = {
        "authors-bcos/student_after_step_buffers.pth",
        "torch-fixtures/views.pth",
        "torch-fixtures/dtypes.pth",
        "torch-fixtures/module_state_dict.pth",
        "torch-fixtures/protocol4.pth",
        "torch-fixtures/checkpoint.pth",
        "torch-fixtures/parameter.pth"
    };
    /** Opcodes the reader knows plus some it must refuse (INST, OBJ, STRING, EXT1, LONG4, BINBYTES). */
    private static final byte[] OPCODES = ("(.0123NKMJGXtabeuhjqrsQRc}])ioSLVB"
                    + "\u0080\u0081\u0082\u0085\u0086\u0087\u0088\u0089\u008a\u008b\u008c\u008d\u0093\u0094\u0095")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    @Test
    void malformedFilesEndInE2kdIoException() throws IOException {
        Random random = new Random(SEED);
        Map<String, byte[]> raw = new HashMap<>();
        Map<String, List<Map.Entry<String, byte[]>>> entries = new HashMap<>();
        for (String base : BASES) {
            raw.put(base, Files.readAllBytes(Fixtures.resource(base)));
            entries.put(base, Fixtures.entries(Fixtures.resource(base)));
        }
        int loaded = 0;
        int unpicklerErrors = 0;
        for (int i = 0; i < CASES; i++) {
            String base = BASES[random.nextInt(BASES.length)];
            int kind = random.nextInt(9);
            Path file = dir.resolve("case" + i + "-kind" + kind + ".pth");
            Files.write(file, mutate(kind, raw.get(base), entries.get(base), random));
            String where = "case " + i + " (kind " + kind + ", base " + base + ", seed " + SEED + ")";
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(2), () -> PthReader.read(file), where);
                loaded++;
            } catch (E2kdIoException e) {
                assertTrue(
                        e.getMessage().startsWith(file + ": ") && e.getMessage().indexOf('\n') < 0,
                        where + ": " + e.getMessage());
                unpicklerErrors += e.getMessage().contains("data.pkl offset") ? 1 : 0;
            } catch (Throwable t) {
                fail(where + " threw " + t, t);
            }
            Files.delete(file);
        }
        assertTrue(unpicklerErrors > CASES / 10, "too few cases reached the unpickler: " + unpicklerErrors);
        assertTrue(loaded > 0 && loaded < CASES / 2, "loaded " + loaded + " of " + CASES);
    }

    private static byte[] mutate(int kind, byte[] file, List<Map.Entry<String, byte[]>> zip, Random r)
            throws IOException {
        return switch (kind) {
            case 0 -> java.util.Arrays.copyOf(file, r.nextInt(file.length)); // truncated file
            case 1 -> flip(file.clone(), 1 + r.nextInt(8), r); // flipped bytes anywhere
            case 2 -> patchZipSizes(file.clone(), r);
            default -> {
                int p = pickleIndex(zip);
                byte[] pickle = zip.get(p).getValue();
                byte[] mutated = switch (kind) {
                    case 3 -> flip(pickle.clone(), 1 + r.nextInt(4), r);
                    case 4 -> replaceOpcode(pickle.clone(), r);
                    case 5 -> java.util.Arrays.copyOf(pickle, r.nextInt(pickle.length));
                    case 6 -> hugeStringLength(pickle.clone(), r);
                    case 7 -> hugeInteger(pickle, r);
                    default -> pickle;
                };
                List<Map.Entry<String, byte[]>> out = new ArrayList<>(zip);
                out.set(p, Map.entry(zip.get(p).getKey(), mutated));
                if (kind == 8) { // a storage record shorter than declared
                    int d = firstDataIndex(zip);
                    byte[] data = zip.get(d).getValue();
                    out.set(d, Map.entry(zip.get(d).getKey(), java.util.Arrays.copyOf(data, r.nextInt(data.length))));
                }
                yield Fixtures.storedZip(out);
            }
        };
    }

    private static byte[] flip(byte[] b, int n, Random r) {
        for (int i = 0; i < n; i++) {
            b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
        }
        return b;
    }

    private static byte[] replaceOpcode(byte[] b, Random r) {
        b[2 + r.nextInt(b.length - 2)] = OPCODES[r.nextInt(OPCODES.length)];
        return b;
    }

    /** Sets the 4-byte length of a random BINUNICODE (or the 8-byte one of BINUNICODE8) to 2^31 .. 2^62. */
    private static byte[] hugeStringLength(byte[] b, Random r) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int tries = 0; tries < 1000; tries++) {
            int i = r.nextInt(b.length - 9);
            if (b[i] == 'X') {
                buf.putInt(i + 1, (int) ((1L << 31) + r.nextInt(Integer.MAX_VALUE)));
                return b;
            }
            if (b[i] == (byte) 0x8c) { // SHORT_BINUNICODE becomes BINUNICODE8 with a huge length
                b[i] = (byte) 0x8d;
                return insert(b, i + 1, ByteBuffer.allocate(7).put(new byte[7]).array(), r);
            }
        }
        return b;
    }

    /** Replaces a random BININT1 (sizes, strides, offsets, numels) by a LONG1 of 2^31 .. 2^62. */
    private static byte[] hugeInteger(byte[] b, Random r) {
        for (int tries = 0; tries < 1000; tries++) {
            int i = 2 + r.nextInt(b.length - 4);
            if (b[i] == 'K') {
                long v = (1L << (31 + r.nextInt(32))) + r.nextInt(1000);
                byte[] long1 = ByteBuffer.allocate(10)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .put((byte) 0x8a)
                        .put((byte) 8)
                        .putLong(v)
                        .array();
                byte[] out = new byte[b.length + 8];
                System.arraycopy(b, 0, out, 0, i);
                System.arraycopy(long1, 0, out, i, 10);
                System.arraycopy(b, i + 2, out, i + 10, b.length - i - 2);
                return out;
            }
        }
        return b;
    }

    /** Inserts 7 zero bytes after a 1-byte length and makes the resulting 8-byte length huge. */
    private static byte[] insert(byte[] b, int at, byte[] extra, Random r) {
        byte[] out = new byte[b.length + extra.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(b, at, out, at + extra.length, b.length - at);
        out[at + 7] = (byte) (0x20 + r.nextInt(0x20)); // top byte: 2^61 .. 2^62
        return out;
    }

    /** Sets sizes in central-directory, local and ZIP64 end records to 2^31 .. 2^62. */
    private static byte[] patchZipSizes(byte[] b, Random r) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> spots = new ArrayList<>();
        for (int i = 0; i + 56 <= b.length; i++) {
            int sig = buf.getInt(i);
            if (sig == 0x02014b50 || sig == 0x04034b50 || sig == 0x06064b50) {
                spots.add(i);
            }
        }
        for (int n = 1 + r.nextInt(3); n > 0 && !spots.isEmpty(); n--) {
            int at = spots.get(r.nextInt(spots.size()));
            long huge = (1L << (31 + r.nextInt(32))) + r.nextInt(1 << 20);
            switch (buf.getInt(at)) {
                case 0x02014b50 -> buf.putInt(at + (r.nextBoolean() ? 20 : 24), (int) Math.min(huge, 0xffffffffL));
                case 0x04034b50 -> buf.putInt(at + (r.nextBoolean() ? 18 : 22), (int) Math.min(huge, 0xffffffffL));
                default -> buf.putLong(at + 24 + 8 * r.nextInt(4), huge); // entries, entries, CD size, CD offset
            }
        }
        return b;
    }

    private static int pickleIndex(List<Map.Entry<String, byte[]>> zip) {
        for (int i = 0; i < zip.size(); i++) {
            if (zip.get(i).getKey().endsWith("/data.pkl")) {
                return i;
            }
        }
        throw new IllegalStateException("no data.pkl");
    }

    private static int firstDataIndex(List<Map.Entry<String, byte[]>> zip) {
        for (int i = 0; i < zip.size(); i++) {
            if (zip.get(i).getKey().contains("/data/") && zip.get(i).getValue().length > 0) {
                return i;
            }
        }
        throw new IllegalStateException("no storage record");
    }
}
