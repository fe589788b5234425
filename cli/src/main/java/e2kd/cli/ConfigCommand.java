package e2kd.cli;

import e2kd.io.E2kdIoException;
import e2kd.train.ConfigLoader;
import e2kd.train.RunDirectory;
import e2kd.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code e2kd config}: configs without running anything; {@code show} prints one resolved. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Work with run configs: 'config show' prints a resolved one.",
        subcommands = {ConfigCommand.Show.class})
final class ConfigCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: show");
    }

    /**
     * {@code e2kd config show}: the config a run resolves to (defaults, then RUN_DIR's config.yaml, preset,
     * {@code --config}, {@code --data}, {@code --set}, as {@code train} and {@code distill} resolve theirs), with the
     * {@code loss} list its method expands to; YAML, or JSON with {@code --json}.
     */
    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Print the resolved config of a run folder or of --preset/--config/--data/--set as train and "
                    + "distill resolve it (YAML, or JSON with --json); nothing is trained and no data is read.")
    static final class Show implements Callable<Integer> {
        @Parameters(
                index = "0",
                arity = "0..1",
                paramLabel = "RUN_DIR",
                description = "A run folder (its config.yaml is the base the options apply to).")
        Path run;

        @Mixin
        ConfigOptions config;

        @Mixin
        JsonOption output;

        @Override
        public Integer call() {
            Path base = null;
            if (run != null) {
                base = new RunDirectory(run).config();
                if (!Files.isRegularFile(base)) {
                    throw new E2kdIoException(base, "no such file: " + run + " is not a run folder");
                }
            }
            TrainConfig resolved = config.resolve(base, List.of());
            if (output.json) {
                JsonOption.print(ConfigLoader.toTree(resolved));
            } else {
                System.out.print(ConfigLoader.toYaml(resolved));
            }
            return 0;
        }
    }
}
