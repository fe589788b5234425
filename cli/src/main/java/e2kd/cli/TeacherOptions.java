package e2kd.cli;

import ai.djl.ndarray.NDManager;
import e2kd.train.ModelFiles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * One spelling of a teacher for every command that reads one ({@code distill}, {@code precompute}, {@code eval}):
 * {@code --teacher FILE} (run directory, e2kd checkpoint or PyTorch file) with {@code --teacher-model ID} (and
 * {@code --teacher-options}) for a PyTorch file, read by {@code nn.Pretrained} for every model family.
 */
final class TeacherOptions {
    @Option(
            names = "--teacher",
            paramLabel = "FILE",
            description = "Teacher: run directory (its best.ckpt), e2kd "
                    + "checkpoint, or PyTorch state dict (FILE.pth, with --teacher-model); distill's frozen methods default to the "
                    + "one the stored outputs were computed with.")
    String teacher;

    @Option(
            names = "--teacher-model",
            paramLabel = "ID",
            description = "Model id of a PyTorch teacher file "
                    + "(resnet18/34/50, densenet121/169 and their bcos_ variants).")
    String teacherModel;

    @Option(
            names = "--teacher-options",
            split = ",",
            paramLabel = "K=V",
            description = "Model options of a PyTorch " + "teacher file where they cannot be read off its weights.")
    Map<String, String> teacherOptions;

    /** The config keys these options set (teacher, teacher_model, teacher_model_options), for those given. */
    List<String> sets() {
        List<String> sets = new java.util.ArrayList<>();
        DistillCommand.add(sets, "teacher", teacher);
        DistillCommand.add(sets, "teacher_model", teacherModel);
        DistillCommand.add(
                sets,
                "teacher_model_options",
                teacherOptions == null
                        ? null
                        : teacherOptions.entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(",")));
        return sets;
    }

    /** The teacher as a model and input contract, a PyTorch file at input {@code size}; null without --teacher. */
    ModelFiles.Source load(int size, NDManager manager) {
        if (teacher == null) {
            return null;
        }
        return ModelFiles.load(
                teacher,
                teacherModel == null ? "" : teacherModel,
                teacherOptions == null ? Map.of() : new LinkedHashMap<>(teacherOptions),
                size,
                "--teacher-model",
                manager);
    }
}
