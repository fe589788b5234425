package e2kd.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class GridSearchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void combinationsVaryTheFirstAxisSlowest() {
        assertEquals(
                List.of(
                        List.of("tau=1", "lambda=0.2"),
                        List.of("tau=1", "lambda=5"),
                        List.of("tau=5", "lambda=0.2"),
                        List.of("tau=5", "lambda=5")),
                GridSearch.combinations(List.of("tau=1,5", "lambda=0.2, 5")));
        assertEquals(List.of(List.of()), GridSearch.combinations(List.of()));
    }

    @Test
    void malformedAxisIsNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> GridSearch.combinations(List.of("tau")));
        assertTrue(e.getMessage().contains("'tau'") && e.getMessage().contains("key=v1,v2"), e.getMessage());
    }

    @Test
    void bestIsTheHighestValidationTop1AndTheFirstOnTies() throws Exception {
        List<JsonNode> runs = List.of(summary(0.5, 0.9), summary(0.7, 0.1), summary(0.7, 0.99), summary(0.6, 1.0));
        assertEquals(1, GridSearch.best(runs), "validation top-1 decides, not test top-1; ties keep the first");
    }

    @Test
    void runWithoutValidationIsAnError() throws Exception {
        JsonNode noVal = JSON.readTree("{\"top1\": 0.9}");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> GridSearch.best(List.of(summary(0.5, 0.5), noVal)));
        assertTrue(e.getMessage().contains("best_val_top1"), e.getMessage());
    }

    private static JsonNode summary(double val, double test) throws Exception {
        return JSON.readTree("{\"best_val_top1\": " + val + ", \"top1\": " + test + "}");
    }
}
