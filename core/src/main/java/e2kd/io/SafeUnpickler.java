package e2kd.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle virtual machine for protocols 2 to 5 that can only build plain data: None, bool, int (up to 64 bits),
 * float, str, tuple, list and dict, plus whatever {@link TorchObjects} makes from its allow-listed globals and
 * persistent ids. It never loads or instantiates a class by name. Like {@code torch.load(weights_only=True)} it
 * refuses every opcode and global it does not know.
 *
 * <p>It runs in time and memory linear in the pickle's length: every opcode consumes at least one byte, every length
 * is checked against the bytes that remain, and the stack, the memo and the number of objects created are capped.
 * It does not recurse.
 */
final class SafeUnpickler {
    static final int MAX_STACK = 1 << 20;
    static final int MAX_MEMO = 1 << 21;
    /** Strings, containers and rebuilt objects; a real state dict needs about ten per tensor. */
    static final int MAX_OBJECTS = 1 << 22;

    private static final int MAX_GLOBAL_NAME = 256;

    private final byte[] in;
    private final Path file;
    private final TorchObjects torch;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int pos;
    private int opStart;
    private int objects;

    SafeUnpickler(byte[] pickle, Path file, TorchObjects torch) {
        this.in = pickle;
        this.file = file;
        this.torch = torch;
    }

    /** Runs the pickle up to STOP and returns the object on top of the stack. */
    Object load() {
        while (true) {
            if (pos >= in.length) {
                throw fail("pickle ends without STOP (truncated)");
            }
            opStart = pos;
            int op = in[pos++] & 0xff;
            try {
                if (op == '.') {
                    return pop();
                }
                step(op);
            } catch (UnpicklingException e) {
                throw fail(e.getMessage());
            }
            if (stack.size() + marks.size() > MAX_STACK) {
                throw fail("stack grows beyond " + MAX_STACK + " entries");
            }
        }
    }

    private void step(int op) {
        switch (op) {
            case 0x80 -> { // PROTO
                int proto = u8();
                if (proto < 2 || proto > 5) {
                    throw new UnpicklingException("unsupported pickle protocol " + proto + " (2 to 5 are supported)");
                }
            }
            case 0x95 -> { // FRAME: the next n bytes hold whole opcodes; framing is only a read-ahead hint
                long n = readLong(8);
                if (n < 0 || n > in.length - pos) {
                    throw new UnpicklingException("frame of " + Long.toUnsignedString(n) + " bytes but only "
                            + (in.length - pos) + " remain (truncated or corrupt)");
                }
            }
            case '(' -> marks.add(stack.size()); // MARK
            case '0' -> pop(); // POP
            case '1' -> popMark(); // POP_MARK
            case '2' -> push(peek()); // DUP
            case 'N' -> push(null); // NONE
            case 0x88 -> push(Boolean.TRUE); // NEWTRUE
            case 0x89 -> push(Boolean.FALSE); // NEWFALSE
            case 'K' -> push((long) u8()); // BININT1
            case 'M' -> push(readLong(2)); // BININT2
            case 'J' -> push((long) (int) readLong(4)); // BININT (signed)
            case 0x8a -> push(long1()); // LONG1
            case 'G' ->
                push(Double.longBitsToDouble(
                        ByteBuffer.wrap(take(8)).order(ByteOrder.BIG_ENDIAN).getLong()));
            case 'X' -> pushNew(utf8(take(readLong(4)))); // BINUNICODE
            case 0x8c -> pushNew(utf8(take(u8()))); // SHORT_BINUNICODE
            case 0x8d -> pushNew(utf8(take(readLong(8)))); // BINUNICODE8
            case ')' -> pushNew(new PyTuple(List.of())); // EMPTY_TUPLE
            case ']' -> pushNew(new ArrayList<>()); // EMPTY_LIST
            case '}' -> pushNew(new LinkedHashMap<>()); // EMPTY_DICT
            case 't' -> pushNew(new PyTuple(popMark())); // TUPLE
            case 0x85 -> tupleOf(1);
            case 0x86 -> tupleOf(2);
            case 0x87 -> tupleOf(3);
            case 'a' -> list(peekBelow(1)).add(pop()); // APPEND (the list is below the item)
            case 'e' -> { // APPENDS
                List<Object> items = popMark();
                list(peek()).addAll(items);
            }
            case 's' -> { // SETITEM
                Object value = pop();
                Object key = pop();
                put(dict(peek()), key, value);
            }
            case 'u' -> { // SETITEMS
                List<Object> items = popMark();
                if (items.size() % 2 != 0) {
                    throw new UnpicklingException("SETITEMS with an odd number of items");
                }
                Map<Object, Object> dict = dict(peek());
                for (int i = 0; i < items.size(); i += 2) {
                    put(dict, items.get(i), items.get(i + 1));
                }
            }
            case 'q' -> memoPut(u8()); // BINPUT
            case 'r' -> memoPut(readLong(4)); // LONG_BINPUT
            case 0x94 -> memoPut(memo.size()); // MEMOIZE
            case 'h' -> memoGet(u8()); // BINGET
            case 'j' -> memoGet(readLong(4)); // LONG_BINGET
            case 'c' -> pushNew(torch.global(line(), line())); // GLOBAL
            case 0x93 -> { // STACK_GLOBAL
                Object name = pop();
                Object module = pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new UnpicklingException("STACK_GLOBAL needs two strings");
                }
                pushNew(torch.global(m, n));
            }
            case 'R' -> { // REDUCE
                PyTuple args = tuple(pop());
                pushNew(torch.call(pop(), args));
            }
            case 0x81 -> { // NEWOBJ
                PyTuple args = tuple(pop());
                pushNew(torch.newObject(pop(), args));
            }
            case 'b' -> { // BUILD
                Object state = pop();
                torch.build(peek(), state);
            }
            case 'Q' -> pushNew(torch.persistentLoad(pop())); // BINPERSID
            default ->
                throw new UnpicklingException(String.format(
                        "unsupported pickle opcode 0x%02x (only what torch.load(weights_only=True) accepts)", op));
        }
    }

    private E2kdIoException fail(String problem) {
        return new E2kdIoException(file, "data.pkl offset " + opStart + ": " + problem);
    }

    private void push(Object o) {
        stack.add(o);
    }

    /** Pushes an object the pickle made us allocate, counting it against {@link #MAX_OBJECTS}. */
    private void pushNew(Object o) {
        if (++objects > MAX_OBJECTS) {
            throw new UnpicklingException("pickle creates more than " + MAX_OBJECTS + " objects");
        }
        push(o);
    }

    private Object pop() {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw new UnpicklingException("stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        return peekBelow(0);
    }

    private Object peekBelow(int depth) {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() - depth <= floor) {
            throw new UnpicklingException("stack underflow");
        }
        return stack.get(stack.size() - 1 - depth);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw new UnpicklingException("no MARK on the stack");
        }
        int mark = marks.remove(marks.size() - 1);
        List<Object> top = stack.subList(mark, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private void tupleOf(int n) {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop();
        }
        pushNew(new PyTuple(Arrays.asList(items)));
    }

    private void memoPut(long index) {
        if (memo.size() >= MAX_MEMO && !memo.containsKey(index)) {
            throw new UnpicklingException("memo grows beyond " + MAX_MEMO + " entries");
        }
        memo.put(index, peek());
    }

    private void memoGet(long index) {
        if (!memo.containsKey(index)) {
            throw new UnpicklingException("memo index " + index + " was never stored");
        }
        push(memo.get(index));
    }

    private static void put(Map<Object, Object> dict, Object key, Object value) {
        if (key != null
                && !(key instanceof String || key instanceof Long || key instanceof Boolean || key instanceof Double)) {
            throw new UnpicklingException("dict key of type " + TorchObjects.typeName(key)
                    + " (only str, int, float, bool and None keys are supported)");
        }
        dict.put(key, value);
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> dict(Object o) {
        if (!(o instanceof Map)) {
            throw new UnpicklingException("SETITEM on a " + TorchObjects.typeName(o) + ", expected a dict");
        }
        return (Map<Object, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        if (!(o instanceof ArrayList)) {
            throw new UnpicklingException("APPEND on a " + TorchObjects.typeName(o) + ", expected a list");
        }
        return (List<Object>) o;
    }

    private static PyTuple tuple(Object o) {
        if (!(o instanceof PyTuple t)) {
            throw new UnpicklingException("arguments are a " + TorchObjects.typeName(o) + ", expected a tuple");
        }
        return t;
    }

    private int u8() {
        return take(1)[0] & 0xff;
    }

    /** An unsigned little-endian integer of {@code n} (at most 8) bytes. */
    private long readLong(int n) {
        byte[] b = take(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    /** LONG1: a two's-complement little-endian integer of up to 8 bytes (longer ones cannot be tensor metadata). */
    private long long1() {
        int n = u8();
        if (n > 8) {
            throw new UnpicklingException("LONG1 integer of " + n + " bytes (at most 8 are supported)");
        }
        if (n == 0) {
            return 0;
        }
        long v = readLong(n);
        int unused = 64 - 8 * n;
        return (v << unused) >> unused;
    }

    /** The next {@code n} bytes, after checking that they exist. */
    private byte[] take(long n) {
        if (n < 0 || n > in.length - pos) {
            throw new UnpicklingException("declares " + Long.toUnsignedString(n) + " bytes but only "
                    + (in.length - pos) + " remain (truncated or corrupt)");
        }
        byte[] b = Arrays.copyOfRange(in, pos, pos + (int) n);
        pos += (int) n;
        return b;
    }

    /** A newline-terminated UTF-8 line of at most {@link #MAX_GLOBAL_NAME} bytes, as GLOBAL uses. */
    private String line() {
        int limit = Math.min(in.length, pos + MAX_GLOBAL_NAME + 1);
        for (int i = pos; i < limit; i++) {
            if (in[i] == '\n') {
                String s = utf8(Arrays.copyOfRange(in, pos, i));
                pos = i + 1;
                return s;
            }
        }
        throw new UnpicklingException("GLOBAL name without newline within " + MAX_GLOBAL_NAME + " bytes");
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new UnpicklingException("string is not valid UTF-8");
        }
    }
}
