package e2kd.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.data.DataLoader;
import e2kd.data.Encoding;
import e2kd.data.EvalTransform;
import e2kd.data.LabeledDataset;
import e2kd.data.Mixup;
import e2kd.data.SkippedImages;
import e2kd.data.TrainAugmentation;
import e2kd.distill.CriterionContext;
import e2kd.distill.Distiller;
import e2kd.distill.Labelling;
import e2kd.distill.Needs;
import e2kd.distill.Objective;
import e2kd.distill.TeacherOutput;
import e2kd.eval.EvalResult;
import e2kd.eval.Evaluator;
import e2kd.explain.Explainer;
import e2kd.explain.Explainers;
import e2kd.io.E2kdIoException;
import e2kd.nn.Devices;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.ModelFamily;
import e2kd.nn.models.Models;
import e2kd.nn.ops.RandomDraws;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.nn.weights.Pretrained;
import e2kd.train.frozen.FrozenTeacher;
import e2kd.train.optim.Adam;
import e2kd.train.optim.GradientClipping;
import e2kd.train.optim.Optimizer;
import e2kd.train.optim.Schedule;
import e2kd.train.optim.Sgd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run into a {@link RunDirectory}, from labels or from a teacher (live, or a {@link FrozenTeacher}'s
 * stored outputs), with the objective the config's {@code loss} terms make. Set-up here (resume, data, teacher,
 * student, objective, optimizer); the {@link TrainingLoop} then runs the steps and calls the hooks: non-finite
 * guard, validation (metrics, best checkpoint by validation top-1), last checkpoint (optimizer and criterion state,
 * so {@code resume} continues exactly), progress. At the end the best checkpoint's test metrics go to summary.json.
 * Each step's arrays live in its batch's sub-manager.
 */
public final class Trainer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TrainConfig config;
    private final RunDirectory run;
    private final Progress progress;
    private final java.util.function.Function<TrainConfig, Splits> data;
    /**
     * Unreadable image files the run's loaders skipped ({@code skip_bad_images}), else null: they fail. Each epoch
     * reads every training sample, the last validates and the end tests, so a resumed run finds them all again.
     */
    private final SkippedImages skipped;

    /** A run on the data the config names ({@link Splits#open}). */
    public Trainer(TrainConfig config, Path out, Progress progress) {
        this(config, out, progress, Splits::open);
    }

    /** A run on the splits {@code data} gives (e.g. the caller's own data sets, {@link Splits#of}). */
    public Trainer(
            TrainConfig config, Path out, Progress progress, java.util.function.Function<TrainConfig, Splits> data) {
        this.config = config;
        this.run = new RunDirectory(out);
        this.progress = progress;
        this.data = data;
        this.skipped = config.skipBadImages() ? new SkippedImages() : null;
    }

    /**
     * Trains (or, with {@code resume}, continues from last.ckpt) until the configured epochs or, when
     * {@code stopAfter > 0}, after epoch {@code stopAfter}.
     *
     * @return summary.json's content, or null when stopped early
     */
    public JsonNode run(boolean resume, int stopAfter) throws IOException {
        // devices that are not there are refused before the run folder is touched
        Devices.use(Devices.parse(config.device()));
        List<Device> devices = Devices.replicas(config.devices(), Devices.run());
        try (java.nio.channels.Channel held = run.lock().acquiredBy()) { // closing the channel releases the lock
            return train(resume, stopAfter, devices);
        }
    }

    private JsonNode train(boolean resume, int stopAfter, List<Device> devices) throws IOException {
        useThreads(config.threads());
        Splits splits = data.apply(config);
        int classes = splits.numClasses();
        if (config.numClasses() > 0 && config.numClasses() != classes) {
            throw new IllegalArgumentException(
                    "--classes " + config.numClasses() + " does not match the data, which has " + classes + " classes");
        }
        Labelling labelling = Labelling.of(splits.train());
        ModelFamily family = Models.family(config.model());
        InputContract contract = family.contract(config.imageSize());
        if (resume && !Files.exists(run.last())) {
            throw new E2kdIoException(run.last(), "cannot resume: no last checkpoint");
        }
        String explainerName = Explainers.resolve(config.explainer(), config.model());
        DataParallelStep parallel = null;
        try (NDManager base = Devices.newManager();
                FrozenTeacher frozen = config.frozen()
                        ? FrozenTeacher.open(
                                Path.of(config.frozenDir()), splits.trainIndices(), classes, explainerName, labelling)
                        : null) {
            Model teacher = null;
            Explainer teacherExplainer = null;
            String teacherPath = frozen != null && config.teacher().isBlank() ? frozen.teacherPath() : config.teacher();
            if (config.distills()) {
                Teachers.Loaded loaded = loadTeacher(teacherPath, splits.train().classNames(), contract, base);
                teacher = loaded.model();
                teacherExplainer = loaded.explainer(config.explainer());
            }
            Model student;
            JsonNode saved = null;
            Map<String, NDArray> savedTensors = new LinkedHashMap<>();
            Objective objective;
            // libtorch has one random generator per process: a new student and its criteria draw from it, seeded,
            // under the lock every draw takes, so runs training at once in one process (Spark tasks) draw what they
            // draw alone
            synchronized (RandomDraws.LOCK) {
                if (resume) {
                    ModelCheckpoint.Loaded last = ModelCheckpoint.load(run.last(), base);
                    student = last.model();
                    saved = last.trainer();
                    savedTensors.putAll(last.trainerTensors());
                } else {
                    student = initialStudent(classes, base);
                }
                objective = objective(student, teacher, frozen != null, splits.train(), labelling, base);
            }
            run.start(config);
            if (saved != null) {
                run.trimMetrics(saved.path("epoch").asInt());
                CriterionState.restore(objective, savedTensors);
            }
            Explainer studentExplainer = teacher == null ? null : Explainers.create(config.explainer(), student);
            Optimizer optimizer = optimizer();
            Distiller distiller = new Distiller(
                    frozen == null ? teacher : null, teacherExplainer, student, studentExplainer, objective, labelling);
            DistillStep distill = new DistillStep(distiller, student, optimizer, clipping(family));
            parallel = devices.size() == 1
                    ? null
                    : dataParallel(
                            devices,
                            student,
                            distiller,
                            optimizer,
                            clipping(family),
                            frozen != null,
                            teacherPath,
                            splits,
                            labelling,
                            contract,
                            base);
            TrainingLoop.BatchStep step = step(distill, parallel, distiller, frozen);
            if (parallel != null) {
                progress.note("data parallel: " + devices.size() + " replicas on " + devices + ", batch "
                        + config.batch() + " split across them");
            }
            Encoding encoding = Encodings.of(contract);
            DataLoader train = DataLoader.builder(splits.train(), config.batch())
                    .shuffle(true)
                    .seed(config.seed())
                    .augmentation(new TrainAugmentation(
                            config.imageSize(), config.scaleMin(), config.scaleMax(), 3.0 / 4.0, 4.0 / 3.0, 0.5))
                    .encoding(encoding)
                    .mixup(config.mixupAlpha() > 0 ? new Mixup(config.mixupAlpha()) : null)
                    .maps(frozen != null && objective.anyNeeds(Needs::explanation) ? frozen.maps() : null)
                    .workers(config.workers())
                    .skipUnreadable(skipped)
                    .prefetch(1)
                    .build();
            DataLoader val = evalLoader(splits.val(), encoding);

            int stepsPerEpoch = train.batchesPerEpoch();
            long total = (long) stepsPerEpoch * config.epochs();
            Schedule schedule = new Schedule(config.lr(), (long) config.warmupEpochs() * stepsPerEpoch, total);
            if (saved != null) {
                optimizer.restoreState(saved.path("optimizer_steps").asLong(), savedTensors);
            }
            RunState state = RunState.of(config.epochs(), total, saved);
            LossMeter losses = new LossMeter(
                    objective.terms().stream().map(Objective.Term::label).toList());
            TrainingHook stopAfterEpoch = new TrainingHook() {
                @Override
                public void onEpochEnd(RunState r) {
                    r.stop = r.epoch == stopAfter && r.epoch < r.epochs;
                }
            };
            List<TrainingHook> hooks = List.of(
                    new NonFiniteGuard("stop".equals(config.onNonfinite()), run.last(), progress),
                    new ValidationHook(
                            new ValidationHook.Networks(student, studentExplainer, teacher, teacherExplainer),
                            val,
                            config.evalEvery(),
                            losses,
                            schedule,
                            run,
                            contract,
                            base),
                    new CheckpointHook(run.last(), student, contract, optimizer, objective),
                    new ProgressHook(progress, losses),
                    new LossMeterHook(losses),
                    stopAfterEpoch);
            student.setTraining(true);
            new TrainingLoop(train, step, schedule, hooks).run(state, base);
            if (state.stop) {
                return null;
            }
            ObjectNode summary = summary(splits.test(), encoding, teacher, teacherExplainer, base);
            summary.put("best_epoch", state.bestEpoch);
            summary.put("best_val_top1", state.bestTop1);
            summary.put("epochs", config.epochs());
            summary.put("steps", state.step);
            summary.put("seconds", state.seconds());
            summary.put("images_per_second", state.imagesPerSecond());
            summary.put("skipped_images", skipped == null ? 0 : skipped.count());
            if (skipped != null) {
                summary.set(
                        "skipped_image_files",
                        JSON.valueToTree(
                                skipped.files().stream().map(Path::toString).toList()));
                noteSkipped();
            }
            summary.put("skipped_steps", state.skippedSteps);
            run.writeSummary(summary);
            return summary;
        } finally {
            if (parallel != null) {
                parallel.close();
            }
        }
    }

    /** One line for the unreadable files skipped, if any: how many, and the first few errors naming them. */
    private void noteSkipped() {
        List<String> messages = skipped.messages();
        if (!messages.isEmpty()) {
            int shown = Math.min(3, messages.size());
            progress.note("skipped " + messages.size() + " unreadable image file(s) (skip_bad_images): "
                    + String.join("; ", messages.subList(0, shown)) + (shown < messages.size() ? "; ..." : ""));
        }
    }

    /** The loop's step: on the run's device alone, or data-parallel over the replicas. */
    private static TrainingLoop.BatchStep step(
            DistillStep distill, DataParallelStep parallel, Distiller distiller, FrozenTeacher frozen) {
        if (parallel != null && frozen == null) {
            return (b, s, lr) -> parallel.live(b.images(), b.labels(), b.targets(), b.indices(), s, lr);
        }
        java.util.function.BiFunction<e2kd.data.Batch, Long, TeacherOutput> teacher = frozen == null
                ? (b, s) -> distiller.teach(b.images(), b.targets(), s)
                : (b, s) -> frozen.output(b, distiller.needsExplanation(s));
        return parallel == null
                ? (b, s, lr) ->
                        distill.run(b.images(), b.labels(), b.targets(), b.indices(), teacher.apply(b, s), s, lr)
                : (b, s, lr) ->
                        parallel.given(b.images(), b.labels(), b.targets(), b.indices(), teacher.apply(b, s), s, lr);
    }

    /**
     * Replicas 1.. of the student on {@code devices} (replica 0 is the run's own student and distiller), each with its
     * own teacher, explainers and criteria; the {@link DataParallelStep} copies replica 0's state into them.
     */
    private DataParallelStep dataParallel(
            List<Device> devices,
            Model student,
            Distiller primary,
            Optimizer optimizer,
            GradientClipping clipping,
            boolean frozen,
            String teacherPath,
            Splits splits,
            Labelling labelling,
            InputContract contract,
            NDManager base) {
        List<DataParallelStep.Replica> replicas = new ArrayList<>();
        replicas.add(new DataParallelStep.Replica(devices.get(0), student, primary));
        for (Device device : devices.subList(1, devices.size())) {
            NDManager m = base.newSubManager(device);
            Model copy = Models.create(student.spec(), m);
            Model teacher = null;
            Explainer teacherExplainer = null;
            if (config.distills()) {
                Teachers.Loaded loaded = loadTeacher(teacherPath, splits.train().classNames(), contract, m);
                teacher = loaded.model();
                teacherExplainer = loaded.explainer(config.explainer());
            }
            Objective objective = objective(copy, teacher, frozen, splits.train(), labelling, m);
            Explainer explainer = teacher == null ? null : Explainers.create(config.explainer(), copy);
            copy.setTraining(true);
            replicas.add(new DataParallelStep.Replica(
                    device,
                    copy,
                    new Distiller(frozen ? null : teacher, teacherExplainer, copy, explainer, objective, labelling)));
        }
        return new DataParallelStep(replicas, optimizer, clipping);
    }

    /**
     * The run's objective from its {@code loss} terms, checked against where the teacher's outputs come from: terms
     * that read the teacher need one, and a frozen teacher stores logits and maps, no features.
     */
    private Objective objective(
            Model student, Model teacher, boolean frozen, LabeledDataset train, Labelling labelling, NDManager base) {
        // the train loader below never drops a last partial batch
        int stepsPerEpoch = DataLoader.batchesPerEpoch(train.size(), config.batch(), false);
        Objective objective = Objective.of(
                config.lossTerms(),
                new CriterionContext(
                        student, teacher, base, train.size(), stepsPerEpoch, config.seed(), train.labels(), labelling));
        if (teacher == null && objective.anyNeeds(Needs::teacher)) {
            throw new IllegalArgumentException("config loss " + config.lossTerms() + " reads a teacher but method "
                    + config.method() + " has none; use method kd, e2kd or a -frozen one with --teacher");
        }
        if (frozen && objective.anyNeeds(n -> !n.teacherFeatures().isEmpty())) {
            throw new IllegalArgumentException("config loss " + config.lossTerms() + " reads teacher features, which "
                    + "method " + config.method() + " does not store; use a live teacher");
        }
        return objective;
    }

    /** Sets libtorch's intra-op thread count (process-wide); 0 leaves libtorch's default. */
    public static void useThreads(int threads) {
        if (threads > 0) {
            Engine.getInstance(); // loads libtorch, whose setter this is
            JniUtils.setNumThreads(threads);
        }
    }

    /** Test metrics of best.ckpt. */
    private ObjectNode summary(
            LabeledDataset test, Encoding encoding, Model teacher, Explainer teacherExplainer, NDManager base) {
        try (NDManager scope = base.newSubManager()) {
            Model best = ModelCheckpoint.load(run.best(), scope).model();
            Explainer explainer = teacher == null ? null : Explainers.create(config.explainer(), best);
            EvalResult r =
                    Evaluator.evaluate(best, explainer, teacher, teacherExplainer, evalLoader(test, encoding), scope);
            ObjectNode summary = JSON.createObjectNode();
            summary.put("method", config.method());
            summary.put("model", config.model());
            ValidationHook.putMetrics(summary, r);
            summary.put("test_count", r.count());
            return summary;
        }
    }

    private Teachers.Loaded loadTeacher(String path, List<String> classes, InputContract contract, NDManager base) {
        if (path.isBlank()) {
            throw new IllegalArgumentException(
                    "method " + config.method() + " needs a teacher (--teacher RUN_DIR|CKPT|FILE.pth)");
        }
        Teachers.Loaded t = Teachers.load(path, config, classes, base);
        if (!t.input().encoding().equals(contract.encoding())) {
            throw new E2kdIoException(
                    t.file(),
                    "teacher " + t.model().spec().id() + " expects " + t.input().encoding() + " input but student "
                            + config.model() + " expects " + contract.encoding());
        }
        return t;
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
            Model init = ModelFiles.load(
                            config.init(),
                            config.model(),
                            config.modelOptionMap(),
                            config.imageSize(),
                            "--set model=ID",
                            scope)
                    .model();
            if (!init.spec().id().equals(config.model())) {
                throw new E2kdIoException(
                        path, "init model is " + init.spec().id() + " but the run trains " + config.model());
            }
            if (config.resetHead()) {
                return Pretrained.withNewHead(init, classes, base);
            }
            if (init.spec().numClasses() != classes) {
                throw new E2kdIoException(
                        path,
                        "init model has " + init.spec().numClasses() + " classes but the data has " + classes
                                + "; use --reset-head to replace its classifier");
            }
            return init;
        } finally {
            if (scope != base) {
                scope.close();
            }
        }
    }

    private DataLoader evalLoader(LabeledDataset split, Encoding encoding) {
        return DataLoader.builder(split, config.batch())
                .augmentation(
                        new EvalTransform((int) Math.rint(config.imageSize() / config.evalCrop()), config.imageSize()))
                .encoding(encoding)
                .workers(config.workers())
                .skipUnreadable(skipped)
                .prefetch(1)
                .build();
    }

    private Optimizer optimizer() {
        return switch (config.optimizer()) {
            case "adam" -> new Adam(config.weightDecay(), false);
            case "adamw" -> new Adam(config.weightDecay(), true);
            default -> new Sgd(config.momentum(), config.weightDecay());
        };
    }

    /** {@code clip}, with {@code auto} resolved by the student's family. */
    private GradientClipping clipping(ModelFamily family) {
        String clip = "auto".equals(config.clip()) ? family.defaultClip() : config.clip();
        return switch (clip) {
            case "agc" -> new GradientClipping(GradientClipping.Kind.AGC, config.clipValue());
            case "norm" -> new GradientClipping(GradientClipping.Kind.NORM, config.clipValue());
            default -> GradientClipping.none();
        };
    }
}
