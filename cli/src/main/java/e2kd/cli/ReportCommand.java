package e2kd.cli;

import e2kd.experiments.RunReports;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code e2kd report}: several runs side by side in one self-contained HTML page. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Write one self-contained HTML page comparing runs (metrics, curves, explanations).")
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run directories.")
    List<Path> runs;

    @Option(names = "--out", required = true, description = "The HTML file to write.")
    Path out;

    @picocli.CommandLine.Mixin
    JsonOption output;

    @Override
    public Integer call() {
        RunReports.write(out, runs);
        com.fasterxml.jackson.databind.node.ObjectNode result =
                JsonOption.object().put("out", out.toString());
        com.fasterxml.jackson.databind.node.ArrayNode listed = result.putArray("runs");
        runs.forEach(run -> listed.add(run.toString()));
        output.print(result, "wrote " + out);
        return 0;
    }
}
