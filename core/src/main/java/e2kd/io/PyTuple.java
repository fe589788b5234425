package e2kd.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A Python tuple produced by {@link SafeUnpickler}; lists are {@code ArrayList}s and dicts {@code LinkedHashMap}s. */
record PyTuple(List<Object> items) {
    PyTuple {
        items = Collections.unmodifiableList(new ArrayList<>(items)); // List.copyOf would reject None (null)
    }

    int size() {
        return items.size();
    }

    Object get(int i) {
        return items.get(i);
    }
}
