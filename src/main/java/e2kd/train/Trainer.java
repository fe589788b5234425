package e2kd.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.data.Batch;
import e2kd.data.DataLoader;
import e2kd.data.Encoding;
import e2kd.data.EpochIterator;
import e2kd.data.EvalTransform;
import e2kd.data.LabeledDataset;
import e2kd.data.Mixup;
import e2kd.data.TrainAugmentation;
import e2kd.distill.Distiller;
import e2kd.distill.GroundTruthLoss;
import e2kd.distill.Objective;
import e2kd.eval.EvalResult;
import e2kd.eval.Evaluator;
import e2kd.explain.Explainer;
import e2kd.explain.Explainers;
import e2kd.io.E2kdIoException;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.ModelCheckpoint;
import e2kd.nn.Models;
import e2kd.nn.Pretrained;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The training loop for both training from labels ({@code method: labels}) and distillation ({@code kd},
 * {@code e2kd}, and with a {@link FrozenTeacher} {@code kd-frozen}, {@code e2kd-frozen}) into a {@link RunDirectory}: per epoch the steps, then (every {@code eval_every} epochs and at the
 * end) validation metrics, best checkpoint by validation top-1 and last checkpoint (with optimizer state, so
 * {@code resume} continues exactly); at the end the best checkpoint's test metrics go to summary.json.
 * Each step's arrays live in its batch's sub-manager.
 */
public final class Trainer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TrainConfig config;
    private final RunDirectory run;
    private final Progress progress;

    public Trainer(TrainConfig config, Path out, Progress progress) {
        this.config = config;
        this.run = new RunDirectory(out);
        this.progress = progress;
    }

    /**
     * Trains (or, with {@code resume}, continues from last.ckpt) until the configured epochs or, when
     * {@code stopAfter > 0}, after epoch {@code stopAfter}.
     *
     * @return summary.json's content, or null when stopped early
     */
    public JsonNode run(boolean resume, int stopAfter) throws IOException {
        try (java.nio.channels.Channel held = run.lock().acquiredBy()) { // closing the channel releases the lock
            return train(resume, stopAfter);
        }
    }

    private JsonNode train(boolean resume, int stopAfter) throws IOException {
        useThreads(config.threads());
        Splits splits = Splits.open(config);
        if (!splits.skipped().isEmpty()) {
            progress.note("skipped " + splits.skipped().size() + " unreadable image file(s) (skip_bad_images), first: "
                    + splits.skipped().get(0));
        }
        int classes = splits.numClasses();
        if (config.numClasses() > 0 && config.numClasses() != classes) {
            throw new IllegalArgumentException("--classes " + config.numClasses() + " does not match the data, which has "
                    + classes + " classes");
        }
        InputContract contract = InputContract.forModel(config.model(), config.imageSize());
        boolean bcos = Models.isBcos(config.model());
        if (resume && !Files.exists(run.last())) {
            throw new E2kdIoException(run.last(), "cannot resume: no last checkpoint");
        }
        String explainerName = Explainers.resolve(config.explainer(), config.model());
        try (NDManager base = NDManager.newBaseManager();
             FrozenTeacher frozen = config.frozen() ? FrozenTeacher.open(Path.of(config.frozenDir()),
                     splits.trainIndices(), classes, explainerName) : null) {
            Model teacher = null;
            Explainer teacherExplainer = null;
            if (config.distills()) {
                String teacherPath = frozen != null && config.teacher().isBlank() ? frozen.teacherPath() : config.teacher();
                teacher = loadTeacher(teacherPath, classes, contract, base);
                teacherExplainer = Explainers.create(config.explainer(), teacher);
            }
            Model student;
            JsonNode state = null;
            Map<String, NDArray> optimizerState = Map.of();
            if (resume) {
                ModelCheckpoint.Loaded last = ModelCheckpoint.load(run.last(), base);
                student = last.model();
                state = last.trainer();
                optimizerState = last.trainerTensors();
            } else {
                student = initialStudent(classes, base);
            }
            run.start(config);
            if (state != null) {
                run.trimMetrics(state.path("epoch").asInt());
            }
            Explainer studentExplainer = teacher == null ? null : Explainers.create(config.explainer(), student);
            Optimizer optimizer = optimizer();
            GroundTruthLoss gt = bcos ? GroundTruthLoss.UNIFORM_OFF_LABEL_BCE : GroundTruthLoss.CROSS_ENTROPY;
            GradientClipping clipping = clipping(bcos);
            BatchStep step;
            if (teacher == null) {
                LabelStep labels = new LabelStep(student, gt, optimizer, clipping);
                step = (b, s, lr) -> labels.run(b.images(), b.labels(), s, lr);
            } else {
                Distiller distiller = new Distiller(teacher, teacherExplainer, student, studentExplainer,
                        new Objective(config.tau(), config.appliedLambda(), config.gamma(), gt), config.guidedEvery());
                DistillStep distill = new DistillStep(distiller, student, optimizer, clipping);
                step = frozen == null ? (b, s, lr) -> distill.run(b.images(), b.labels(), s, lr)
                        : (b, s, lr) -> distill.run(b.images(), b.labels(), frozen.output(b, distiller.guided(s)), s, lr);
            }
            Encoding encoding = bcos ? Encoding.bcos() : Encoding.imagenet();
            DataLoader train = DataLoader.builder(splits.train(), config.batch()).shuffle(true).seed(config.seed())
                    .augmentation(new TrainAugmentation(config.imageSize(), config.scaleMin(), config.scaleMax(),
                            3.0 / 4.0, 4.0 / 3.0, 0.5))
                    .encoding(encoding).mixup(config.mixupAlpha() > 0 ? new Mixup(config.mixupAlpha()) : null)
                    .maps(frozen != null && config.appliedLambda() > 0 ? frozen.maps() : null)
                    .prefetch(1).build();
            DataLoader val = evalLoader(splits.val(), encoding);

            int stepsPerEpoch = train.batchesPerEpoch();
            long total = (long) stepsPerEpoch * config.epochs();
            Schedule schedule = new Schedule(config.lr(), (long) config.warmupEpochs() * stepsPerEpoch, total);
            int startEpoch = state == null ? 0 : state.path("epoch").asInt();
            long global = state == null ? 0 : state.path("step").asLong();
            double bestTop1 = state == null ? -1 : state.path("best_top1").asDouble();
            int bestEpoch = state == null ? 0 : state.path("best_epoch").asInt();
            if (state != null) {
                optimizer.restoreState(state.path("optimizer_steps").asLong(), optimizerState);
            }
            LossMeter losses = new LossMeter();
            long skippedSteps = state == null ? 0 : state.path("skipped_steps").asLong();
            long started = System.nanoTime();
            long startStep = global;
            long images = 0;
            student.setTraining(true);
            for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
                try (EpochIterator it = train.epoch(epoch, base)) {
                    while (it.hasNext()) {
                        try (Batch b = it.next()) {
                            StepResult r = step.run(b, global, schedule.at(global));
                            if (r.skipped()) {
                                skippedSteps++;
                                nonFinite(global, epoch + 1, b);
                            } else {
                                losses.add(r);
                            }
                            global++;
                            images += b.size();
                            double seconds = seconds(started);
                            progress.step(epoch + 1, config.epochs(), global, total, r, images / seconds,
                                    seconds / (global - startStep) * (total - global));
                        }
                    }
                }
                int done = epoch + 1;
                double imagesPerSecond = images / seconds(started);
                Double valTop1 = null;
                if (done % config.evalEvery() == 0 || done == config.epochs()) {
                    EvalResult v = Evaluator.evaluate(student, studentExplainer, teacher, teacherExplainer, val, base);
                    valTop1 = v.top1();
                    ObjectNode line = JSON.createObjectNode();
                    line.put("epoch", done);
                    line.put("step", global);
                    losses.write(line);
                    putMetrics(line, v);
                    line.put("lr", schedule.at(global - 1));
                    line.put("images_per_second", imagesPerSecond);
                    run.appendMetrics(line);
                    if (v.top1() > bestTop1) {
                        bestTop1 = v.top1();
                        bestEpoch = done;
                        ModelCheckpoint.save(run.best(), student, contract, null, Map.of());
                    }
                }
                ObjectNode trainer = JSON.createObjectNode();
                trainer.put("epoch", done);
                trainer.put("step", global);
                trainer.put("optimizer_steps", optimizer.steps());
                trainer.put("best_top1", bestTop1);
                trainer.put("best_epoch", bestEpoch);
                trainer.put("skipped_steps", skippedSteps);
                ModelCheckpoint.save(run.last(), student, contract, trainer, optimizer.state());
                progress.epoch(done, config.epochs(), losses.total(), valTop1, imagesPerSecond);
                if (valTop1 != null) {
                    losses.reset();
                }
                if (done == stopAfter && done < config.epochs()) {
                    return null;
                }
            }
            ObjectNode summary = summary(splits.test(), encoding, teacher, teacherExplainer, base);
            summary.put("best_epoch", bestEpoch);
            summary.put("best_val_top1", bestTop1);
            summary.put("epochs", config.epochs());
            summary.put("steps", global);
            summary.put("seconds", seconds(started));
            summary.put("images_per_second", images / seconds(started));
            summary.put("skipped_images", splits.skipped().size());
            summary.put("skipped_steps", skippedSteps);
            run.writeSummary(summary);
            return summary;
        }
    }

    /** Sets libtorch's intra-op thread count (process-wide); 0 leaves libtorch's default. */
    static void useThreads(int threads) {
        if (threads > 0) {
            Engine.getInstance(); // loads libtorch, whose setter this is
            JniUtils.setNumThreads(threads);
        }
    }

    /** Test metrics of best.ckpt. */
    private ObjectNode summary(LabeledDataset test, Encoding encoding, Model teacher, Explainer teacherExplainer,
                               NDManager base) {
        try (NDManager scope = base.newSubManager()) {
            Model best = ModelCheckpoint.load(run.best(), scope).model();
            Explainer explainer = teacher == null ? null : Explainers.create(config.explainer(), best);
            EvalResult r = Evaluator.evaluate(best, explainer, teacher, teacherExplainer, evalLoader(test, encoding),
                    scope);
            ObjectNode summary = JSON.createObjectNode();
            summary.put("method", config.method());
            summary.put("model", config.model());
            putMetrics(summary, r);
            summary.put("test_count", r.count());
            return summary;
        }
    }

    private static void putMetrics(ObjectNode node, EvalResult r) {
        node.put("top1", r.top1());
        node.put("top5", r.top5());
        if (r.agreement() == null) {
            node.putNull("agreement");
            node.putNull("explanation_similarity");
        } else {
            node.put("agreement", r.agreement());
            node.put("explanation_similarity", r.explanationSimilarity());
        }
    }

    private Model loadTeacher(String path, int classes, InputContract contract, NDManager base) {
        if (path.isBlank()) {
            throw new IllegalArgumentException("method " + config.method() + " needs a teacher (--teacher RUN_DIR|CKPT|FILE.pth)");
        }
        Teachers.Loaded t = Teachers.load(path, config, classes, base);
        if (!t.input().encoding().equals(contract.encoding())) {
            throw new E2kdIoException(t.file(), "teacher " + t.model().spec().id() + " expects " + t.input().encoding()
                    + " input but student " + config.model() + " expects " + contract.encoding());
        }
        return t.model();
    }

    /**
     * A new student: freshly initialised, or from {@code init} (an e2kd checkpoint of the same model id, or a
     * PyTorch state dict for it), with a new classifier for the data's classes when {@code reset_head} is set.
     */
    private Model initialStudent(int classes, NDManager base) {
        Engine.getInstance().setRandomSeed((int) config.seed());
        if (config.init().isBlank()) {
            return Models.create(config.model(), classes, config.modelOptionMap(), base);
        }
        Path path = Path.of(config.init());
        NDManager scope = config.resetHead() ? base.newSubManager() : base;
        try {
            Model init = ModelFiles.load(config.init(), config.model(), config.modelOptionMap(), config.imageSize(),
                    "--set model=ID", scope).model();
            if (!init.spec().id().equals(config.model())) {
                throw new E2kdIoException(path, "init model is " + init.spec().id() + " but the run trains "
                        + config.model());
            }
            if (config.resetHead()) {
                return Pretrained.withNewHead(init, classes, base);
            }
            if (init.spec().numClasses() != classes) {
                throw new E2kdIoException(path, "init model has " + init.spec().numClasses()
                        + " classes but the data has " + classes + "; use --reset-head to replace its classifier");
            }
            return init;
        } finally {
            if (scope != base) {
                scope.close();
            }
        }
    }

    /**
     * Reports a step whose loss or gradients were not finite (its update was not applied) with the dataset indices of
     * its samples; with {@code on_nonfinite: stop} ends the run, leaving last.ckpt at the last completed epoch.
     */
    private void nonFinite(long step, int epoch, Batch b) {
        String what = "step " + (step + 1) + " (epoch " + epoch + "): loss or gradients not finite, update not applied; "
                + "batch sample indices " + java.util.Arrays.toString(b.indices());
        if ("stop".equals(config.onNonfinite())) {
            throw new IllegalStateException(what + "; stopped (on_nonfinite=stop), last good checkpoint "
                    + (Files.exists(run.last()) ? run.last() : "none yet"));
        }
        progress.note(what + "; skipped (on_nonfinite=skip)");
    }

    /** One training step on a batch: from labels, from the live teacher, or from the frozen teacher's outputs. */
    private interface BatchStep {
        StepResult run(Batch b, long step, double lr);
    }

    private DataLoader evalLoader(LabeledDataset split, Encoding encoding) {
        return DataLoader.builder(split, config.batch())
                .augmentation(new EvalTransform((int) Math.rint(config.imageSize() / config.evalCrop()), config.imageSize()))
                .encoding(encoding).prefetch(1).build();
    }

    private Optimizer optimizer() {
        return switch (config.optimizer()) {
            case "adam" -> new Adam(config.weightDecay(), false);
            case "adamw" -> new Adam(config.weightDecay(), true);
            default -> new Sgd(config.momentum(), config.weightDecay());
        };
    }

    private GradientClipping clipping(boolean bcos) {
        return switch (config.clip()) {
            case "agc" -> new GradientClipping(GradientClipping.Kind.AGC, config.clipValue());
            case "norm" -> new GradientClipping(GradientClipping.Kind.NORM, config.clipValue());
            case "auto" -> bcos ? new GradientClipping(GradientClipping.Kind.AGC, config.clipValue())
                    : GradientClipping.none();
            default -> GradientClipping.none();
        };
    }

    private static double seconds(long since) {
        return Math.max(1e-9, (System.nanoTime() - since) / 1e9);
    }
}
