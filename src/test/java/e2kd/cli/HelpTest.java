package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's --help lists the exit codes; an unknown option is a user error (2). */
class HelpTest {
  @Test
  void everyCommandListsItsExitCodes() {
    for (String name : new CommandLine(new Main()).getSubcommands().keySet()) {
      String help = stdout(name, "--help");
      assertTrue(help.contains("Exit codes:"), name + ": " + help);
      assertTrue(help.matches("(?s).*\\n\\s*0\\s+done.*\\n\\s*1\\s+a bug.*\\n\\s*2\\s+a user error.*"), name + ": " + help);
      assertEquals("demo".equals(name), help.matches("(?s).*\\n\\s*3\\s+the demo's claim.*"), name + ": " + help);
    }
    assertTrue(stdout("--help").contains("Exit codes:"));
    assertEquals(2, Main.run("eval", "--no-such-option"));
  }

  private static String stdout(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.run(args));
    } finally {
      System.setOut(old);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
