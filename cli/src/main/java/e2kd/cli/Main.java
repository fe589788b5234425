package e2kd.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import e2kd.train.RunProvenance;
import java.io.IOException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code e2kd} command line. */
@Command(
        name = "e2kd",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Explanation-enhanced knowledge distillation (e2KD, ECCV 2024) on the JVM.",
        subcommands = {
            DemoCommand.class,
            TrainCommand.class,
            DistillCommand.class,
            PrecomputeCommand.class,
            EvalCommand.class,
            ExplainCommand.class,
            ReportCommand.class,
            ConvertCommand.class,
            ExportCommand.class,
            SoakCommand.class,
            BenchCommand.class,
            ReproduceCommand.class,
            SweepCommand.class,
            ConfigCommand.class
        })
public final class Main {
    @Option(
            names = {"-v", "--verbose"},
            description = "Log more (repeat for debug output).",
            scope = CommandLine.ScopeType.INHERIT)
    void verbose(boolean[] flags) {
        Level level = flags.length > 1 ? Level.DEBUG : Level.INFO;
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
        ((Logger) LoggerFactory.getLogger("ai.djl")).setLevel(level);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; user errors print one line (no stack trace) and exit 2. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        listExitCodes(cli);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException
                    || e instanceof e2kd.io.E2kdIoException
                    || e instanceof IllegalStateException
                    || e instanceof IOException
                    || e instanceof e2kd.data.E2kdDataException
                    || e instanceof java.io.UncheckedIOException) {
                cmd.getErr().println("e2kd: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** Every command's --help ends with the exit codes; the demo adds its own. */
    private static void listExitCodes(CommandLine cmd) {
        java.util.Map<String, String> codes = new java.util.LinkedHashMap<>();
        codes.put("0", "done");
        codes.put("1", "a bug in e2kd (a stack trace is printed)");
        codes.put("2", "a user error: bad option, value, file or data (one line says which)");
        if (cmd.getCommand() instanceof DemoCommand) {
            codes.put(Integer.toString(DemoCommand.CLAIM_FAILED), "the demo's claim did not hold (--no-check exits 0)");
        }
        cmd.getCommandSpec()
                .usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(codes);
        cmd.getSubcommands().values().forEach(Main::listExitCodes);
    }

    /** Version from the Maven build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"e2kd " + RunProvenance.e2kdVersion() + " (DJL 0.36.0, PyTorch 2.7.1 CPU)"};
        }
    }
}
