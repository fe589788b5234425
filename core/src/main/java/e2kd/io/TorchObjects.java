package e2kd.io;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a state-dict pickle may build beyond plain data, mirroring {@code torch.load(weights_only=True)}: the globals
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code _rebuild_parameter},
 * {@code _rebuild_parameter_with_state} and the typed storage classes {@code torch.FloatStorage} etc., and persistent
 * ids {@code ('storage', StorageClass, key, location, numel)} naming the record {@code data/<key>}. Each storage record
 * is read once; tensors are rebuilt by {@link StridedTensors}.
 */
final class TorchObjects {
    /** The callables of the allow-list. */
    enum Callable {
        ORDERED_DICT("collections", "OrderedDict"),
        REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2"),
        REBUILD_PARAMETER("torch._utils", "_rebuild_parameter"),
        REBUILD_PARAMETER_WITH_STATE("torch._utils", "_rebuild_parameter_with_state");

        final String module;
        final String name;

        Callable(String module, String name) {
            this.module = module;
            this.name = name;
        }
    }

    /** A storage class global such as {@code torch.FloatStorage}; only valid inside a persistent id. */
    record StorageClass(DType dtype) {}

    /** The elements of one storage record: {@code numel} items of {@code dtype} at the start of {@code bytes}. */
    record Storage(String key, DType dtype, long numel, byte[] bytes) {}

    private static final String ALLOWED = "collections.OrderedDict, torch._utils._rebuild_tensor_v2, "
            + "torch._utils._rebuild_parameter, torch._utils._rebuild_parameter_with_state, torch.<Type>Storage";

    private final TorchArchive archive;
    private final StridedTensors tensors;
    private final Map<String, Storage> storages = new HashMap<>();

    TorchObjects(TorchArchive archive, StridedTensors tensors) {
        this.archive = archive;
        this.tensors = tensors;
    }

    /** Resolves GLOBAL / STACK_GLOBAL against the allow-list; anything else is refused by name. */
    Object global(String module, String name) {
        for (Callable c : Callable.values()) {
            if (c.module.equals(module) && c.name.equals(name)) {
                return c;
            }
        }
        if (module.equals("torch")) {
            var dtype = DType.fromStorageClass(name);
            if (dtype.isPresent()) {
                return new StorageClass(dtype.get());
            }
        }
        throw new UnpicklingException(
                "global " + E2kdIoException.quote(module + "." + name) + " is not allowed (only " + ALLOWED + ")");
    }

    /** REDUCE: calls an allow-listed function. */
    Object call(Object callable, PyTuple args) {
        if (!(callable instanceof Callable c)) {
            throw new UnpicklingException("REDUCE calls a " + typeName(callable) + ", expected an allowed function");
        }
        return switch (c) {
            case ORDERED_DICT -> {
                expectArity(c, args, 0, 0);
                yield new LinkedHashMap<>();
            }
            case REBUILD_TENSOR_V2 -> {
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                expectArity(c, args, 6, 7);
                Storage storage = arg(args, 0, Storage.class, c);
                long offset = arg(args, 1, Long.class, c);
                long[] size = longs(arg(args, 2, PyTuple.class, c), "size");
                long[] stride = longs(arg(args, 3, PyTuple.class, c), "stride");
                arg(args, 4, Boolean.class, c);
                noHooks(arg(args, 5, Map.class, c));
                yield tensors.view(storage, offset, size, stride);
            }
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                // (data, requires_grad, backward_hooks[, state]); the state holds Python attributes, not data
                int n = c == Callable.REBUILD_PARAMETER ? 3 : 4;
                expectArity(c, args, n, n);
                arg(args, 1, Boolean.class, c);
                noHooks(arg(args, 2, Map.class, c));
                yield arg(args, 0, TensorData.class, c);
            }
        };
    }

    /** NEWOBJ: only {@code OrderedDict.__new__(OrderedDict)}. */
    Object newObject(Object cls, PyTuple args) {
        if (cls != Callable.ORDERED_DICT || args.size() != 0) {
            throw new UnpicklingException("NEWOBJ of a " + typeName(cls) + ", only OrderedDict() is allowed");
        }
        return new LinkedHashMap<>();
    }

    /** BUILD: only on a dict, whose state (e.g. a state dict's {@code _metadata}) carries no tensors we keep. */
    void build(Object instance, Object state) {
        if (!(instance instanceof Map) || !(state instanceof Map || state == null)) {
            throw new UnpicklingException("BUILD on a " + typeName(instance) + " with a " + typeName(state)
                    + ", only a dict with dict state is allowed");
        }
    }

    /** BINPERSID: {@code ('storage', StorageClass, key, location, numel)}; reads {@code data/<key>} once. */
    Storage persistentLoad(Object pid) {
        if (!(pid instanceof PyTuple t)
                || t.size() != 5
                || !"storage".equals(t.get(0))
                || !(t.get(1) instanceof StorageClass type)
                || !(t.get(2) instanceof String key)
                || !(t.get(3) instanceof String)
                || !(t.get(4) instanceof Long numel)) {
            throw new UnpicklingException("persistent id is not ('storage', <Type>Storage, key, location, numel)");
        }
        if (!key.matches("[A-Za-z0-9_]{1,64}")) {
            throw new UnpicklingException("storage key " + E2kdIoException.quote(key) + " is not a plain name");
        }
        if (numel < 0) {
            throw new UnpicklingException("storage " + E2kdIoException.quote(key) + " has negative size " + numel);
        }
        Storage known = storages.get(key);
        if (known != null) {
            if (known.dtype() != type.dtype() || known.numel() != numel) {
                throw new UnpicklingException("storage " + E2kdIoException.quote(key) + " is declared twice as "
                        + known.numel() + " x " + known.dtype() + " and " + numel + " x " + type.dtype());
            }
            return known;
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(numel, type.dtype().itemSize());
        } catch (ArithmeticException e) {
            throw new UnpicklingException("storage " + E2kdIoException.quote(key) + " declares " + numel
                    + " elements, more than any file holds");
        }
        Storage s = new Storage(key, type.dtype(), numel, archive.readStorage(key, bytes));
        storages.put(key, s);
        return s;
    }

    /** Python-ish type name of an unpickled value, for messages (never prints the value itself). */
    static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Callable c) {
            return "function " + c.module + "." + c.name;
        }
        if (o instanceof StorageClass s) {
            return "class torch." + s.dtype().storageClass();
        }
        return switch (o.getClass().getSimpleName()) {
            case "String" -> "str";
            case "Long" -> "int";
            case "Double" -> "float";
            case "Boolean" -> "bool";
            case "PyTuple" -> "tuple";
            case "ArrayList" -> "list";
            case "LinkedHashMap" -> "dict";
            case "Storage" -> "storage";
            case "TensorData" -> "tensor";
            default -> o.getClass().getSimpleName();
        };
    }

    private static void expectArity(Callable c, PyTuple args, int min, int max) {
        if (args.size() < min || args.size() > max) {
            throw new UnpicklingException(c.name + " called with " + args.size() + " arguments, expected "
                    + (min == max ? String.valueOf(min) : min + " to " + max));
        }
    }

    private static <T> T arg(PyTuple args, int i, Class<T> type, Callable c) {
        Object o = args.get(i);
        if (!type.isInstance(o)) {
            String expected = Map.class.equals(type)
                    ? "dict"
                    : Long.class.equals(type)
                            ? "int"
                            : Boolean.class.equals(type)
                                    ? "bool"
                                    : PyTuple.class.equals(type)
                                            ? "tuple"
                                            : Storage.class.equals(type) ? "storage" : "tensor";
            throw new UnpicklingException(
                    c.name + " argument " + i + " is a " + typeName(o) + ", expected a " + expected);
        }
        return type.cast(o);
    }

    private static void noHooks(Map<?, ?> hooks) {
        if (!hooks.isEmpty()) {
            throw new UnpicklingException("tensor has backward hooks, which a state dict cannot carry");
        }
    }

    private static long[] longs(PyTuple t, String what) {
        List<Object> items = t.items();
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Long v)) {
                throw new UnpicklingException(what + " has a " + typeName(items.get(i)) + ", expected ints");
            }
            out[i] = v;
        }
        return out;
    }
}
