package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's --help lists the exit codes; an unknown option is a user error (2). */
class HelpTest {
    @Test
    void everyCommandListsItsExitCodes() {
        for (String name : new CommandLine(new Main()).getSubcommands().keySet()) {
            String help = Cli.stdout(name, "--help");
            assertTrue(help.contains("Exit codes:"), name + ": " + help);
            assertTrue(
                    help.matches("(?s).*\\n\\s*0\\s+done.*\\n\\s*1\\s+a bug.*\\n\\s*2\\s+a user error.*"),
                    name + ": " + help);
            assertEquals("demo".equals(name), help.matches("(?s).*\\n\\s*3\\s+the demo's claim.*"), name + ": " + help);
        }
        assertTrue(Cli.stdout("--help").contains("Exit codes:"));
        assertEquals(2, Main.run("eval", "--no-such-option"));
    }
}
