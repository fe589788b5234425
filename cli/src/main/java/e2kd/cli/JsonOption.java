package e2kd.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/**
 * {@code --json}, shared by every command that prints results: they print them as one JSON document on stdout
 * instead of text; text a command still shows (progress, tables) then goes to stderr, so stdout parses as JSON.
 */
final class JsonOption {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--json", description = "Print the results as one JSON document on stdout instead of text.")
    boolean json;

    /** Where a command's text goes: stdout, or stderr with {@code --json}. */
    PrintStream text() {
        return json ? System.err : System.out;
    }

    /** Prints {@code result} on stdout with {@code --json}; otherwise {@code text} on stdout. */
    void print(JsonNode result, String text) {
        if (json) {
            print(result);
        } else {
            System.out.println(text);
        }
    }

    /** Prints {@code result} on stdout, indented. */
    static void print(JsonNode result) {
        try {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** An empty object to fill. */
    static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
