package e2kd.distill.criteria;

import e2kd.nn.Module;
import java.util.ArrayList;
import java.util.List;

/** {@code nn.ModuleList}: children named "0", "1", … in order. */
final class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    ModuleList(List<M> modules) {
        for (M m : modules) {
            items.add(child(Integer.toString(items.size()), m));
        }
    }

    M get(int i) {
        return items.get(i);
    }

    int size() {
        return items.size();
    }
}
