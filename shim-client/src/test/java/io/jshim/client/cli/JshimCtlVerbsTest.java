package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line main() builds with only the verb it runs answers as the one with every verb. */
class JshimCtlVerbsTest {
  @Test
  void verbs_eachNameIsItsCommandsOwn_inTheUsageOrder() {
    JshimCtl.VERBS.forEach((name, verb) ->
        assertThat(verb.get().getClass().getAnnotation(Command.class).name()).as(name).isEqualTo(name));
    assertThat(JshimCtl.VERBS.keySet()).containsExactly("create", "start", "wait", "kill", "delete", "state", "ps",
        "pause", "resume", "update", "stats", "status", "run", "exec", "logs");
  }

  @Test
  void verbOf_socketOptionsBeforeTheVerb_skipped_anythingElseFirstMeansNoVerb() {
    assertThat(JshimCtl.verbOf("state", "t1")).contains("state");
    assertThat(JshimCtl.verbOf("--socket", "/s.sock", "ps", "t1")).contains("ps");
    assertThat(JshimCtl.verbOf("--socket=/s.sock", "wait", "t1")).contains("wait");
    assertThat(JshimCtl.verbOf("--socket", "state")).isEmpty();
    assertThat(JshimCtl.verbOf("--help")).isEmpty();
    assertThat(JshimCtl.verbOf("nosuch", "t1")).isEmpty();
    assertThat(JshimCtl.verbOf()).isEmpty();
  }

  @Test
  void commandLineOfArgs_helpUsageErrorsAndTopLevelHelp_sameAsWithEveryVerb() {
    String[][] cases = {
        {"state", "--help"}, {"run", "--help"}, {"kill"}, {"--socket", "/nowhere", "ps", "--bogus"}, {"--help"},
        {"nosuch"}, {}, {"update", "t1"}};
    for (String[] args : cases) {
      assertThat(execute(true, args)).as(String.join(" ", args)).isEqualTo(execute(false, args));
    }
  }

  private static String execute(boolean pruned, String... args) {
    JshimCtl ctl = new JshimCtl(Map.of(), new Properties());
    CommandLine commandLine = pruned ? ctl.commandLine(args) : ctl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return code + "\n--- out\n" + out + "--- err\n" + err;
  }
}
