package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DaemonArgsTest {
  private static DaemonArgs.Run run(Map<String, String> env, String... args) throws DaemonArgs.UsageException {
    return (DaemonArgs.Run) DaemonArgs.parse(args, env, "/h/spawn");
  }

  @Test
  void defaults() throws Exception {
    DaemonArgs.Run r = run(Map.of(), "--socket", "/s.sock");
    assertThat(r).isEqualTo(new DaemonArgs.Run(Path.of("/s.sock"), Path.of("/run/jshim/state"), Path.of("/h/spawn"),
        List.of(), 10_000, Path.of("/var/log/jshim"), Optional.empty(), Optional.empty(), Optional.empty(), 0,
        OptionalInt.empty(), List.of()));
  }

  @Test
  void everyOption_separateOrJoinedValue_listsSplitAndRepeated() throws Exception {
    DaemonArgs.Run r = run(Map.of(), "--socket=/s.sock", "--state-dir", "st", "--helper=/x", "--allow-uid", "5,6",
        "--allow-uid=7", "--spawn-timeout", "250", "--log-root=/logs", "--ttrpc-socket", "/t.sock",
        "--events-address=/ev.sock", "--namespace", "k8s", "--idle-shutdown-delay=30000", "--oom-score-adj", "-500",
        "--allow-unapplied=process.apparmorProfile,linux.intelRdt", "--allow-unapplied", "process.selinuxLabel");
    assertThat(r).isEqualTo(new DaemonArgs.Run(Path.of("/s.sock"), Path.of("st"), Path.of("/x"), List.of(5, 6, 7),
        250, Path.of("/logs"), Optional.of(Path.of("/t.sock")), Optional.of(Path.of("/ev.sock")), Optional.of("k8s"),
        30000, OptionalInt.of(-500), List.of("process.apparmorProfile", "linux.intelRdt", "process.selinuxLabel")));
  }

  @Test
  void eventsAndNamespace_fromEnvironment_emptyAddressMeansNone() throws Exception {
    DaemonArgs.Run r = run(Map.of("TTRPC_ADDRESS", "/c.sock", "JSHIM_NAMESPACE", "default"), "--socket", "/s");
    assertThat(r.eventsAddress()).contains(Path.of("/c.sock"));
    assertThat(r.namespace()).contains("default");
    assertThat(run(Map.of("TTRPC_ADDRESS", "/c.sock"), "--socket", "/s", "--events-address=").eventsAddress()).isEmpty();
  }

  @Test
  void helpAndVersion() throws Exception {
    assertThat(DaemonArgs.parse(new String[] {"--socket", "/s", "-h"}, Map.of(), "/h")).isInstanceOf(DaemonArgs.Help.class);
    assertThat(DaemonArgs.parse(new String[] {"--help"}, Map.of(), "/h")).isInstanceOf(DaemonArgs.Help.class);
    assertThat(DaemonArgs.parse(new String[] {"-V"}, Map.of(), "/h")).isInstanceOf(DaemonArgs.Version.class);
    assertThat(DaemonArgs.usage("/h/spawn")).contains("--helper=<PATH>", "(default: /h/spawn)", "--allow-unapplied=<FIELD[,FIELD...]>");
  }

  @Test
  void usageErrors_sayWhatWasWrongAndWhatIsExpected() {
    assertThatThrownBy(() -> run(Map.of())).hasMessage("Missing required option --socket PATH");
    assertThatThrownBy(() -> run(Map.of(), "--socket", "/s", "--bogus=1"))
        .hasMessageStartingWith("Unknown option '--bogus' (expected one of: --allow-uid");
    assertThatThrownBy(() -> run(Map.of(), "--socket")).hasMessage("Missing value for option --socket (expected: --socket PATH)");
    assertThatThrownBy(() -> run(Map.of(), "--socket", "/s", "extra"))
        .hasMessageStartingWith("Unexpected argument 'extra' at index 2");
    assertThatThrownBy(() -> run(Map.of(), "--socket", "/s", "--spawn-timeout", "abc"))
        .hasMessage("Invalid value for option --spawn-timeout: 'abc' is not a whole number (expected: --spawn-timeout MILLIS)");
    assertThatThrownBy(() -> run(Map.of(), "--socket", "/s", "--allow-uid", "-1"))
        .hasMessageStartingWith("Invalid value for option --allow-uid: -1 (expected: 0..");
    assertThatThrownBy(() -> run(Map.of(), "--socket", "/s", "--allow-unapplied", "process.cwd"))
        .hasMessageStartingWith("--allow-unapplied process.cwd: not a field jshim leaves unapplied (expected: one of ");
    assertThatThrownBy(() -> run(Map.of(), "--socket", "/s", "--events-address", "/e"))
        .hasMessageStartingWith("--events-address /e needs --namespace");
  }

  @Test
  void shimMain_help_onStdoutExitZero_usageError_onStderrExitTwo() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertThat(ShimMain.run(new String[] {"--help"}, o, e)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: jshim-daemon");
    assertThat(ShimMain.run(new String[] {"--version"}, o, e)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(ShimDaemon.VERSION);
    assertThat(err.size()).isZero();
    assertThat(ShimMain.run(new String[] {"--state-dir", "/x"}, o, e)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Missing required option --socket PATH\nUsage: jshim-daemon");
  }
}
