package e2kd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.experiments.GridSearch;
import e2kd.io.AtomicFiles;
import e2kd.train.Progress;
import e2kd.train.TrainConfig;
import e2kd.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code e2kd sweep}: trains one run per combination of the grid's values (on top of the usual config options) and
 * selects the combination with the best validation top-1 ({@code best_val_top1} of summary.json; the test split is
 * never used to choose), as the paper tuned τ and λ. Writes {@code DIR/sweep.json} and prints the winner.
 */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = "Run a grid of config values (e.g. --grid tau=1,5 lambda=0.2,1,5,10) and select on the "
                + "validation split.")
final class SweepCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ConfigOptions config;

    @Option(names = "--grid", required = true, arity = "1..*", description = "key=v1,v2,... (one per config key).")
    List<String> grid;

    @Option(names = "--out", required = true, description = "Folder for one run per combination and sweep.json.")
    Path out;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() throws IOException {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode runs = result.putArray("runs");
        List<JsonNode> summaries = new ArrayList<>();
        for (List<String> c : GridSearch.combinations(grid)) {
            TrainConfig resolved = config.resolve(null, c);
            Path dir = out.resolve(String.join(",", c));
            System.err.println("sweep: " + String.join(" ", c));
            JsonNode summary = new Trainer(resolved, dir, Progress.quiet()).run(false, 0);
            summaries.add(summary);
            ObjectNode run = runs.addObject();
            run.put("values", String.join(" ", c));
            run.put("run", dir.toString());
            run.put("val_top1", GridSearch.validationTop1(summary));
            (output.json ? System.err : System.out)
                    .printf(
                            Locale.ROOT,
                            "%-30s val top-1 %.1f%%%n",
                            String.join(" ", c),
                            100 * run.path("val_top1").asDouble());
        }
        JsonNode winner = runs.get(GridSearch.best(summaries));
        result.put("selected_by", "val_top1");
        result.set("winner", winner.deepCopy());
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(result);
        AtomicFiles.write(out.resolve("sweep.json"), o -> o.write(bytes));
        if (output.json) {
            JsonOption.print(result);
            return 0;
        }
        System.out.printf(
                Locale.ROOT,
                "selected on validation top-1: %s (%.1f%%); %s%n",
                winner.path("values").asText(),
                100 * winner.path("val_top1").asDouble(),
                out.resolve("sweep.json"));
        return 0;
    }
}
