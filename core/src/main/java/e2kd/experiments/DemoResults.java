package e2kd.experiments;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.data.DataLoader;
import e2kd.data.EvalTransform;
import e2kd.data.Waterbirds;
import e2kd.eval.GroupAccuracy;
import e2kd.eval.Predictions;
import e2kd.nn.Devices;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.report.HtmlReport;
import e2kd.train.Encodings;
import e2kd.train.RunDirectory;
import e2kd.train.TrainConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's evaluation on the test split of its scenes: per model the in- and out-of-distribution top-1 and the worst
 * group ({@link GroupAccuracy}), and per student the agreement with the teacher and the explanation similarity over
 * the whole test split, as its run's summary.json has them (the {@link e2kd.train.Trainer} evaluates best.ckpt on the
 * same test split with the same transform); the table, the claim check and demo.json.
 */
public final class DemoResults {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Row> rows;

    /** A student's run folder (its best.ckpt is evaluated). */
    public record Run(String name, Path dir) {}

    /** One table row; agreement and similarity are null for the teacher. */
    record Row(String name, GroupAccuracy groups, Double agreement, Double similarity) {}

    private DemoResults(List<Row> rows) {
        this.rows = rows;
    }

    /** The rows: the teacher, then the runs in the order given. */
    List<Row> rows() {
        return rows;
    }

    /** Evaluates the teacher and then each run (in order: KD, e²KD) on the test split of {@code config}'s data. */
    public static DemoResults evaluate(TrainConfig config, Path teacherCheckpoint, List<Run> runs) throws IOException {
        Waterbirds test = Waterbirds.open(Path.of(config.dataDir())).split(Waterbirds.TEST);
        DataLoader loader = DataLoader.builder(test, config.batch())
                .augmentation(EvalTransform.standard(config.imageSize()))
                .encoding(Encodings.of(Models.contract(config.model(), config.imageSize())))
                .prefetch(1)
                .build();
        List<Row> rows = new ArrayList<>();
        try (NDManager base = Devices.newManager()) {
            Model teacher = ModelCheckpoint.load(teacherCheckpoint, base).model();
            rows.add(new Row("teacher", groups(teacher, test, loader, base), null, null));
            for (Run run : runs) {
                RunDirectory dir = new RunDirectory(run.dir());
                JsonNode summary = JSON.readTree(dir.summary().toFile());
                try (NDManager scope = base.newSubManager()) {
                    Model student = ModelCheckpoint.load(dir.best(), scope).model();
                    rows.add(new Row(
                            run.name(),
                            groups(student, test, loader, scope),
                            summary.path("agreement").asDouble(),
                            summary.path("explanation_similarity").asDouble()));
                }
            }
        }
        return new DemoResults(rows);
    }

    private static GroupAccuracy groups(Model model, Waterbirds test, DataLoader loader, NDManager manager) {
        return GroupAccuracy.of(Predictions.top1(model, loader, manager), test.labels(), test.places());
    }

    /** Column headings of the table (the first is over the row names). */
    private static final List<String> HEADER = List.of("", "top-1 ID", "top-1 OOD", "agreement", "expl. sim.");

    /** A row's cells as printed and as shown in report.html. */
    private static List<String> cells(Row r) {
        return List.of(
                r.name(),
                percent(r.groups().inDistribution()),
                percent(r.groups().outOfDistribution()),
                percent(r.agreement()),
                r.similarity() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.similarity()));
    }

    /** The line under the table: how many test scenes, and which are in distribution. */
    private String countNote() {
        GroupAccuracy any = rows.get(0).groups();
        return String.format(
                Locale.ROOT,
                "(%d test scenes: %d in distribution, i.e. on their class's own background as "
                        + "in the students' training scenes, %d out of distribution; agreement with the teacher and explanation "
                        + "similarity over all)",
                any.inCount() + any.outCount(),
                any.inCount(),
                any.outCount());
    }

    /**
     * The table: top-1 in and out of distribution, agreement, explanation similarity (the worst group is in demo.json
     * only: with 10 classes on 10 backgrounds its groups hold a few scenes each).
     */
    public void print(PrintStream out) {
        String format = "%-14s %10s %10s %10s %12s%n";
        out.println();
        out.printf(Locale.ROOT, format, HEADER.toArray());
        for (Row r : rows) {
            out.printf(Locale.ROOT, format, cells(r).toArray());
        }
        out.println(countNote());
    }

    /** The printed table for report.html, with the count line and the claim under it. */
    public HtmlReport.Table table(boolean quick) {
        return new HtmlReport.Table(
                "In and out of distribution (the demo's test scenes)",
                HEADER,
                rows.stream().map(DemoResults::cells).toList(),
                countNote() + " " + claim(quick));
    }

    /** Whether e²KD beat KD on out-of-distribution top-1 and on explanation similarity, said plainly. */
    public String claim(boolean quick) {
        Row kd = rows.get(1);
        Row e2kd = rows.get(2);
        String numbers = String.format(
                Locale.ROOT,
                "out-of-distribution top-1 %s, explanation similarity %+.3f " + "(e2KD minus KD)",
                difference(kd.groups().outOfDistribution(), e2kd.groups().outOfDistribution()),
                e2kd.similarity() - kd.similarity());
        String verdict = holds()
                ? "claim holds: e2KD beats KD on out-of-distribution top-1 and on explanation " + "similarity: "
                        + numbers
                : "claim does NOT hold in this run: e2KD did not beat KD on both; " + numbers;
        return quick ? verdict + " [--quick is far too short for the claim; run without --quick]" : verdict;
    }

    public boolean holds() {
        Double kdOod = rows.get(1).groups().outOfDistribution();
        Double e2kdOod = rows.get(2).groups().outOfDistribution();
        return kdOod != null
                && e2kdOod != null
                && e2kdOod > kdOod
                && rows.get(2).similarity() > rows.get(1).similarity();
    }

    /** The columns {@link #addTo} fills: the printed table's, as a {@code reproduce} table. */
    static final List<ReproTable.Column> COLUMNS = List.of(
            new ReproTable.Column("top-1 ID", true),
            new ReproTable.Column("top-1 OOD", true),
            new ReproTable.Column("agreement", true),
            new ReproTable.Column("expl. sim.", false));

    /** Adds this seed's rows (the teacher's as "teacher") to {@code table}, whose columns are {@link #COLUMNS}. */
    void addTo(ReproTable table) {
        for (Row row : rows) {
            String name = row.agreement() == null ? "teacher" : row.name();
            add(table, name, "top-1 ID", row.groups().inDistribution());
            add(table, name, "top-1 OOD", row.groups().outOfDistribution());
            add(table, name, "agreement", row.agreement());
            add(table, name, "expl. sim.", row.similarity());
        }
    }

    private static void add(ReproTable table, String row, String column, Double value) {
        if (value != null) {
            table.add(row, column, value);
        }
    }

    /** demo.json's content: the rows and the claim. */
    public ObjectNode json(boolean quick) {
        ObjectNode root = JSON.createObjectNode();
        root.put("quick", quick);
        ArrayNode array = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode o = array.addObject();
            o.put("name", r.name());
            GroupJson.write(o, r.groups());
            o.put("agreement", r.agreement());
            o.put("explanation_similarity", r.similarity());
        }
        root.put("claim_holds", holds());
        root.put("claim", claim(quick));
        return root;
    }

    private static String difference(Double kd, Double e2kd) {
        return kd == null || e2kd == null
                ? "n/a (no such test scene)"
                : String.format(Locale.ROOT, "%+.1f points", 100 * (e2kd - kd));
    }

    private static String percent(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
