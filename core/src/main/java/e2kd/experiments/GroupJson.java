package e2kd.experiments;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.eval.GroupAccuracy;

/** Group metrics as JSON fields, the same in {@code eval} output and demo.json. */
public final class GroupJson {
    private GroupJson() {}

    public static void write(ObjectNode o, GroupAccuracy g) {
        o.put("top1_in_distribution", g.inDistribution());
        o.put("top1_out_of_distribution", g.outOfDistribution());
        o.put("in_distribution_count", g.inCount());
        o.put("out_of_distribution_count", g.outCount());
        group(o.putObject("worst_group"), g.worstGroup());
        ArrayNode groups = o.putArray("groups");
        g.groups().forEach(each -> group(groups.addObject(), each));
    }

    private static void group(ObjectNode node, GroupAccuracy.Group g) {
        node.put("label", g.label());
        node.put("place", g.place());
        node.put("count", g.count());
        node.put("accuracy", g.accuracy());
    }
}
