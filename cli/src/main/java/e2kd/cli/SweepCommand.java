package e2kd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.experiments.GridSearch;
import e2kd.experiments.Runs;
import e2kd.experiments.Workers;
import e2kd.io.AtomicFiles;
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
 * never used to choose), as the paper tuned τ and λ. Writes {@code DIR/sweep.json} and prints the winner. A finished
 * run of the same config in its folder is reused, a killed one resumes; with {@code --spark} each run is a task.
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

    @Mixin
    SparkOption spark;

    @Override
    public Integer call() throws IOException {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode runs = result.putArray("runs");
        List<List<String>> combinations = GridSearch.combinations(grid);
        List<Runs.Planned> planned = new ArrayList<>();
        for (List<String> c : combinations) {
            planned.add(
                    new Runs.Planned(out.resolve(String.join(",", c)), config.resolve(null, c), String.join(" ", c)));
        }
        List<Runs.Finished> finished;
        try (Workers workers = spark.workers("sweep", planned.get(0).config().threads())) {
            finished = new Runs(workers, System.err).train("sweep", planned);
        }
        List<JsonNode> summaries = new ArrayList<>();
        for (int i = 0; i < planned.size(); i++) {
            JsonNode summary = finished.get(i).summary();
            summaries.add(summary);
            ObjectNode run = runs.addObject();
            run.put("values", planned.get(i).label());
            run.put("run", planned.get(i).dir().toString());
            run.put("val_top1", GridSearch.validationTop1(summary));
            (output.json ? System.err : System.out)
                    .printf(
                            Locale.ROOT,
                            "%-30s val top-1 %.1f%%%n",
                            planned.get(i).label(),
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
