package e2kd.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.data.DataLoader;
import e2kd.eval.EvalResult;
import e2kd.eval.Evaluator;
import e2kd.explain.Explainer;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.train.optim.Schedule;
import java.util.Map;

/**
 * Every {@code eval_every} epochs and after the last: validation metrics of the student, a metrics.jsonl line (the
 * epoch's losses, metrics, learning rate, images/s), and best.ckpt when validation top-1 improved.
 */
final class ValidationHook implements TrainingHook {
    /** The networks evaluated: the student and, when there is one, the live teacher for agreement. */
    record Networks(Model student, Explainer studentExplainer, Model teacher, Explainer teacherExplainer) {}

    private final Networks networks;
    private final DataLoader val;
    private final int every;
    private final LossMeter losses;
    private final Schedule schedule;
    private final RunDirectory dir;
    private final InputContract contract;
    private final NDManager base;

    ValidationHook(
            Networks networks,
            DataLoader val,
            int every,
            LossMeter losses,
            Schedule schedule,
            RunDirectory dir,
            InputContract contract,
            NDManager base) {
        this.networks = networks;
        this.val = val;
        this.every = every;
        this.losses = losses;
        this.schedule = schedule;
        this.dir = dir;
        this.contract = contract;
        this.base = base;
    }

    @Override
    public void onEpochEnd(RunState run) {
        if (run.epoch % every != 0 && run.epoch != run.epochs) {
            return;
        }
        EvalResult v = Evaluator.evaluate(
                networks.student, networks.studentExplainer, networks.teacher, networks.teacherExplainer, val, base);
        run.valTop1 = v.top1();
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("epoch", run.epoch);
        line.put("step", run.step);
        losses.write(line);
        putMetrics(line, v);
        line.put("lr", schedule.at(run.step - 1));
        line.put("images_per_second", run.epochImagesPerSecond);
        dir.appendMetrics(line);
        if (v.top1() > run.bestTop1) {
            run.bestTop1 = v.top1();
            run.bestEpoch = run.epoch;
            ModelCheckpoint.save(dir.best(), networks.student, contract, null, Map.of());
        }
    }

    /** top1, top5, agreement and explanation_similarity (null without a teacher). */
    static void putMetrics(ObjectNode node, EvalResult r) {
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
}
