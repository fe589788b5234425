package e2kd.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Emits the protocol-2 pickle opcodes that {@link PthWriter} needs; repeated globals are memoized. */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> memo = new HashMap<>();

    PickleWriter() {
        out.write(0x80); // PROTO 2
        out.write(2);
    }

    PickleWriter op(char opcode) {
        out.write(opcode);
        return this;
    }

    PickleWriter mark() {
        return op('(');
    }

    /** GLOBAL {@code module.name}, fetched from the memo after its first use. */
    PickleWriter global(String module, String name) {
        String key = module + "\n" + name + "\n";
        Integer index = memo.get(key);
        if (index != null) {
            out.write('j'); // LONG_BINGET
            int32(index);
        } else {
            out.write('c');
            out.writeBytes(key.getBytes(StandardCharsets.UTF_8));
            index = memo.size();
            memo.put(key, index);
            out.write('r'); // LONG_BINPUT
            int32(index);
        }
        return this;
    }

    PickleWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X'); // BINUNICODE
        int32(b.length);
        out.writeBytes(b);
        return this;
    }

    /** The shortest integer opcode for {@code v}: BININT1, BININT2, BININT or LONG1. */
    PickleWriter integer(long v) {
        if (v >= 0 && v < 0x100) {
            out.write('K');
            out.write((int) v);
        } else if (v >= 0 && v < 0x10000) {
            out.write('M');
            out.write((int) v);
            out.write((int) (v >>> 8));
        } else if (v == (int) v) {
            out.write('J');
            int32((int) v);
        } else {
            out.write(0x8a);
            out.write(8);
            for (int i = 0; i < 8; i++) {
                out.write((int) (v >>> (8 * i)));
            }
        }
        return this;
    }

    /** A tuple of integers (EMPTY_TUPLE, or MARK ... TUPLE). */
    PickleWriter intTuple(long[] values) {
        if (values.length == 0) {
            return op(')');
        }
        mark();
        for (long v : values) {
            integer(v);
        }
        return op('t');
    }

    byte[] finish() {
        out.write('.');
        return out.toByteArray();
    }

    private void int32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
    }
}
