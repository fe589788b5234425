package e2kd.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Option;

/** {@code --json}: a command that prints results prints them as one JSON document on stdout instead of text. */
final class JsonOption {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--json", description = "Print the results as one JSON document on stdout instead of text.")
    boolean json;

    /** Prints {@code result} on stdout, indented. */
    static void print(JsonNode result) {
        try {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** An empty object to fill. */
    static com.fasterxml.jackson.databind.node.ObjectNode object() {
        return JSON.createObjectNode();
    }
}
