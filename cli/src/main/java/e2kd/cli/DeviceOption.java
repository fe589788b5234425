package e2kd.cli;

import e2kd.nn.Devices;
import picocli.CommandLine.Option;

/** {@code --device} of the commands that run a model without a training config (eval, explain). */
final class DeviceOption {
    static final String DESCRIPTION = "Where the model runs: cpu, gpu or gpu:N (default: a GPU when DJL sees one, "
            + "else the CPU; docs/DEVICES.md).";

    @Option(names = "--device", defaultValue = "auto", description = DESCRIPTION)
    String device;

    /** Makes the chosen device the run's; a GPU DJL does not see is refused in one line (exit 2). */
    void apply() {
        Devices.use(Devices.parse(device));
    }
}
