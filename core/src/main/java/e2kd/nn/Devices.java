package e2kd.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where e2kd creates a base {@link NDManager}, and so the one place that decides where arrays live.
 * Every model, batch, optimizer state, criterion state and frozen-teacher buffer is created in a manager from here
 * or in a sub-manager of one (which keeps its device). The run's device is set once from the config's
 * {@code device} ({@code auto | cpu | gpu | gpu:N}); {@code auto} is a GPU when DJL sees one, else the CPU.
 * docs/DEVICES.md says how to run on a GPU.
 */
public final class Devices {
    private static volatile Device run;

    private Devices() {}

    /**
     * The device {@code spec} names: {@code auto}, {@code cpu}, {@code gpu} (GPU 0) or {@code gpu:N}; a GPU that DJL
     * does not see is refused in one line naming what is missing.
     */
    public static Device parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("auto")) {
            return Engine.getInstance().defaultDevice();
        }
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.equals("gpu") || s.startsWith("gpu:")) {
            int id;
            try {
                id = s.equals("gpu") ? 0 : Integer.parseInt(s.substring(4));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("device=" + spec + " is not cpu, gpu or gpu:N (N a GPU number)");
            }
            return gpu(id, "device=" + spec);
        }
        throw new IllegalArgumentException("device=" + spec + " is not auto, cpu, gpu or gpu:N");
    }

    /** GPU {@code id}, refused naming {@code what} when DJL's engine sees no such GPU. */
    private static Device gpu(int id, String what) {
        int count = Engine.getInstance().getGpuCount();
        if (count == 0) {
            throw new IllegalArgumentException(what + ": no CUDA GPU visible to DJL (the libtorch in use is "
                    + Engine.getInstance().getEngineName() + " "
                    + Engine.getInstance().getVersion()
                    + " without CUDA); put a CUDA build of libtorch on the class path (pytorch-native-cu* jar) or set "
                    + "PYTORCH_FLAVOR, with an NVIDIA driver; see docs/DEVICES.md");
        }
        if (id < 0 || id >= count) {
            throw new IllegalArgumentException(what + ": GPU " + id + " does not exist; DJL sees " + count
                    + " GPU(s), numbered 0 to " + (count - 1));
        }
        return Device.gpu(id);
    }

    /**
     * The replica devices of {@code devices}: a count N (N replicas on the run's device when it is the CPU; GPUs 0 to
     * N-1 otherwise) or a comma-separated list of GPU numbers.
     */
    public static List<Device> replicas(String devices, Device runDevice) {
        String s = devices == null ? "" : devices.trim();
        List<Device> all = new ArrayList<>();
        if (s.contains(",")) {
            for (String id : s.split(",")) {
                all.add(gpu(number(id.trim(), devices), "devices=" + devices));
            }
            return all;
        }
        int n = number(s, devices);
        if (n < 1) {
            throw new IllegalArgumentException("devices=" + devices + " must be at least 1");
        }
        for (int i = 0; i < n; i++) {
            all.add(n == 1 || !runDevice.isGpu() ? runDevice : gpu(i, "devices=" + devices));
        }
        return all;
    }

    private static int number(String s, String devices) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "devices=" + devices + " is not a replica count N or a list of GPU " + "numbers (0,1)");
        }
    }

    /** Makes {@code device} the run's device (where {@link #newManager()} puts arrays from now on). */
    public static void use(Device device) {
        run = device;
    }

    /** The run's device: the one last {@link #use}d, else {@code auto}'s. */
    public static Device run() {
        Device d = run;
        return d != null ? d : Engine.getInstance().defaultDevice();
    }

    /** A new base manager on the run's device. */
    public static NDManager newManager() {
        return newManager(run());
    }

    /**
     * A new base manager on {@code device} (a replica's, or a parameter's for optimizer scratch). The first CPU
     * manager of the process matches libtorch's threads to the free CPUs ({@link CpuThreads}).
     */
    public static NDManager newManager(Device device) {
        if (!device.isGpu()) {
            CpuThreads.matchOnce();
        }
        return NDManager.newBaseManager(device);
    }
}
