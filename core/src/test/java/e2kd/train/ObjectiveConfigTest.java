package e2kd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import e2kd.distill.CriterionSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The objective as config: method / tau / lambda / gamma / guided_every expand once, when resolved, into the
 * {@code loss:} list (which a run's config.yaml then states); a given list wins; bad terms are named.
 */
class ObjectiveConfigTest {
    private static List<Map<String, Object>> loss(String... sets) {
        return ConfigLoader.defaults().set(List.of(sets)).resolve().loss();
    }

    @Test
    void methodsExpandIntoTheirTerms() {
        assertEquals(List.of(Map.of("name", "ground_truth", "weight", 1.0)), loss("method=labels"));
        assertEquals(List.of(Map.of("name", "kd", "weight", 1.0, "tau", 4.0)), loss("method=kd", "tau=4", "lambda=5"));
        assertEquals(
                List.of(
                        Map.of("name", "kd", "weight", 1.0, "tau", 4.0),
                        Map.of("name", "explanation", "weight", 5.0, "every", 2),
                        Map.of("name", "ground_truth", "weight", 0.5)),
                loss("method=e2kd", "tau=4", "lambda=5", "gamma=0.5", "guided_every=2"));
        assertEquals(
                List.of(Map.of("name", "kd", "weight", 1.0, "tau", 1.0)),
                loss("method=e2kd", "lambda=0"),
                "λ = 0 leaves the explanation term out, as plain KD");
        assertEquals(loss("method=e2kd", "tau=3"), loss("method=e2kd-frozen", "tau=3", "frozen_dir=x"));
    }

    @Test
    void aGivenListWinsAndSurvivesTheRunsConfigFile() {
        List<Map<String, Object>> given =
                loss("method=kd", "tau=9", "loss=[{name: kd, tau: 2}, {name: explanation, weight: 3, every: 4}]");
        assertEquals(
                List.of(Map.of("name", "kd", "tau", 2), Map.of("name", "explanation", "weight", 3, "every", 4)), given);
        TrainConfig config = ConfigLoader.defaults()
                .set(List.of("method=kd", "loss=[{name: kd, tau: 2}, {name: explanation, weight: 3, every: 4}]"))
                .resolve();
        List<CriterionSpec> terms = config.lossTerms();
        assertEquals(
                List.of("kd", "explanation"),
                terms.stream().map(CriterionSpec::name).toList());
        assertEquals(3.0, terms.get(1).weight());
        assertTrue(ConfigLoader.toYaml(config).contains("every: 4"), ConfigLoader.toYaml(config));
    }

    @Test
    void unknownTermsAndParametersAreNamed() {
        IllegalArgumentException name =
                assertThrows(IllegalArgumentException.class, () -> loss("method=kd", "loss=[{name: kdd}]"));
        assertTrue(name.getMessage().contains("kdd") && name.getMessage().contains("explanation"), name.getMessage());
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class, () -> loss("method=kd", "loss=[{name: kd, tau: 2, weight: -1}]"));
        assertTrue(bad.getMessage().contains("weight=-1"), bad.getMessage());
        IllegalArgumentException method = assertThrows(IllegalArgumentException.class, () -> loss("method=kdd"));
        assertTrue(
                method.getMessage().contains("kdd") && method.getMessage().contains("e2kd-frozen"),
                method.getMessage());
    }
}
