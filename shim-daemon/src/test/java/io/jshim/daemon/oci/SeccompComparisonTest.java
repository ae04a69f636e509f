package io.jshim.daemon.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.StatusRuntimeException;
import io.jshim.daemon.DaemonFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code linux.seccomp} under jshim and under {@code runc run}: each {@link Case} is runc's default config
 * (read-write root) with one profile and a small busybox script that shows what the filter let through, run by
 * both runtimes from the same config; exit status and output must be identical. The matrix: every action,
 * errnoRet and defaultErrnoRet, every argument operator (on the signal argument of {@code kill}, the shell's
 * builtin), several comparisons of one argument (any matches) and of different arguments (all must), the
 * architecture list, containerd 1.6.20's default profile (test resource seccomp/), each with and without
 * no_new_privs (the filter is loaded at different points then).
 */
@Tag("privileged")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SeccompComparisonTest {
  private static final String RUN = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
  private static final Path REPORTS = Path.of("target", "oci-reports", "seccomp").toAbsolutePath();

  /** mkdir, then what /proc says about the filter. */
  private static final String MKDIR = "mkdir /tmp/made 2>&1; echo \"mkdir=$?\"; grep -E 'Seccomp|NoNewPrivs' /proc/self/status";
  /** kill(1, SIG) for signals 0, 18 (SIGCONT), 28 (SIGWINCH): harmless to the shell that is pid 1. */
  private static final String KILLS = "for s in 0 18 28; do kill -$s 1 2>/dev/null; echo \"kill-$s=$?\"; done";
  private static final String UNSHARE = "/bin/busybox unshare -U true 2>&1; echo \"unshare=$?\"; "
      + "/bin/busybox mount -t tmpfs none /mnt 2>&1; echo \"mount=$?\"; ls / | wc -l; id; "
      + "grep -E 'Seccomp|NoNewPrivs' /proc/self/status";

  @TempDir
  Path dir;

  private Path runcBinary;
  private SideBySide both;
  private Runc runc;
  private Bundles bundles;
  private DaemonFixture fixture;

  /** One profile and script; {@code args} empty means {@code sh -c script}. */
  record Case(String name, String seccomp, String script, List<String> args) {
    Case(String name, String seccomp, String script) {
      this(name, seccomp, script, List.of());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() throws IOException {
    String mkdirRule = "\"names\":[\"mkdir\",\"mkdirat\"]";
    List<Case> cases = new ArrayList<>(List.of(
        new Case("errno-ret-1", allowAnd("{" + mkdirRule + ",\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}"), MKDIR),
        new Case("errno-default-eperm", allowAnd("{" + mkdirRule + ",\"action\":\"SCMP_ACT_ERRNO\"}"), MKDIR),
        new Case("errno-ret-enospc", allowAnd("{" + mkdirRule + ",\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":28}"), MKDIR),
        new Case("kill-process", allowAnd("{" + mkdirRule + ",\"action\":\"SCMP_ACT_KILL_PROCESS\"}"), "",
            List.of("/bin/mkdir", "/tmp/made")),
        new Case("kill", allowAnd("{" + mkdirRule + ",\"action\":\"SCMP_ACT_KILL\"}"), "", List.of("/bin/mkdir", "/tmp/made")),
        new Case("kill-thread", allowAnd("{" + mkdirRule + ",\"action\":\"SCMP_ACT_KILL_THREAD\"}"), "",
            List.of("/bin/mkdir", "/tmp/made")),
        new Case("kill-in-child", allowAnd("{" + mkdirRule + ",\"action\":\"SCMP_ACT_KILL_PROCESS\"}"), MKDIR),
        new Case("trap", allowAnd("{" + mkdirRule + ",\"action\":\"SCMP_ACT_TRAP\"}"), "", List.of("/bin/mkdir", "/tmp/made")),
        new Case("trace-no-tracer", allowAnd("{" + mkdirRule + ",\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":5}"), MKDIR),
        new Case("log", allowAnd("{" + mkdirRule + ",\"action\":\"SCMP_ACT_LOG\"}"), MKDIR),
        new Case("allow-rule-under-allow", allowAnd("{" + mkdirRule + ",\"action\":\"SCMP_ACT_ALLOW\"}"), MKDIR),
        new Case("unknown-names-skipped",
            allowAnd("{\"names\":[\"no_such_syscall\",\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}"), MKDIR),
        new Case("architectures", "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\","
            + "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":[{" + mkdirRule + ",\"action\":\"SCMP_ACT_ERRNO\"}]}", MKDIR),
        new Case("default-log", "{\"defaultAction\":\"SCMP_ACT_LOG\",\"syscalls\":[{" + mkdirRule
            + ",\"action\":\"SCMP_ACT_ERRNO\"}]}", MKDIR),
        new Case("no-rules", "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", MKDIR),
        new Case("args-or-same-index", allowAnd("{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
            + "{\"index\":1,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":28,\"op\":\"SCMP_CMP_EQ\"}]}"), KILLS),
        new Case("args-and-two-indexes", allowAnd("{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
            + "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":18,\"op\":\"SCMP_CMP_EQ\"}]}"), KILLS),
        new Case("args-and-no-match", allowAnd("{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
            + "{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":18,\"op\":\"SCMP_CMP_EQ\"}]}"), KILLS)));
    for (String op : List.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT")) {
      cases.add(new Case("arg-" + op, allowAnd(kill(op, 18, 0)), KILLS));
    }
    cases.add(new Case("arg-SCMP_CMP_MASKED_EQ", allowAnd(kill("SCMP_CMP_MASKED_EQ", 16, 16)), KILLS));
    String containerd = containerdProfile();
    cases.add(new Case("containerd-default", containerd, UNSHARE));
    cases.add(new Case("containerd-default-errno-ret", containerd.replaceFirst("\\{",
        "{\"defaultErrnoRet\":13,"), UNSHARE));
    return cases.stream();
  }

  @BeforeEach
  void setUp() throws IOException {
    both = SideBySide.start(dir);
    runcBinary = both.runcBinary();
    runc = both.runc();
    bundles = both.bundles();
    fixture = both.fixture();
    Files.createDirectories(REPORTS);
  }

  @AfterEach
  void tearDown() throws IOException {
    if (both != null) {
      both.close();
    }
  }

  @ParameterizedTest(name = "{0} with no_new_privs")
  @MethodSource("cases")
  void profile_withNoNewPrivs_sameOutcomeAsRunc(Case c) throws IOException {
    compare(c, true);
  }

  @ParameterizedTest(name = "{0} without no_new_privs")
  @MethodSource("cases")
  void profile_withoutNoNewPrivs_sameOutcomeAsRunc(Case c) throws IOException {
    compare(c, false);
  }

  /** runc 1.1.5 refuses every flag; jshim applies SECCOMP_FILTER_FLAG_LOG and _SPEC_ALLOW (a documented difference). */
  @Test
  void flags_logAndSpecAllow_appliedByJshimRefusedByRunc() throws IOException {
    Case c = new Case("flags", "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\","
        + "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_TSYNC\"],\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
        + "\"action\":\"SCMP_ACT_ERRNO\"}]}", MKDIR);
    String id = "runc-flags-" + RUN;
    Runc.Result byRunc = runc.run(bundles.write(id, config(c, true)), id, dir.resolve(id + ".out"), Duration.ofSeconds(60));
    assertThat(byRunc.exitStatus()).isNotZero();
    assertThat(byRunc.stderr()).contains("seccomp flags are not yet supported by runc");

    String jshimId = "jshim-flags-" + RUN;
    Path out = dir.resolve(jshimId + ".out");
    assertThat(fixture.run(jshimId, bundles.write(jshimId, config(c, true)), out)).isZero();
    assertThat(Files.readString(out)).contains("Operation not permitted", "mkdir=1", "Seccomp:\t2");
  }

  private void compare(Case c, boolean noNewPrivs) throws IOException {
    String name = c.name() + (noNewPrivs ? "-nnp" : "-privs");
    String runcId = "runc-" + name + "-" + RUN;
    String jshimId = "jshim-" + name + "-" + RUN;
    Path runcOut = dir.resolve(runcId + ".out");
    Runc.Result byRunc = runc.run(bundles.write(runcId, config(c, noNewPrivs)), runcId, runcOut, Duration.ofSeconds(60));
    String runcReport = RuncComparisonTest.normalise(Files.readString(runcOut, StandardCharsets.UTF_8), runcId);
    Files.writeString(REPORTS.resolve(name + ".runc.txt"), runcReport + "exit " + byRunc.exitStatus() + "\n" + byRunc.stderr());

    Path jshimOut = dir.resolve(jshimId + ".out");
    Path jshimErr = dir.resolve(jshimId + ".err");
    int jshimExit;
    try {
      jshimExit = fixture.run(jshimId, bundles.write(jshimId, config(c, noNewPrivs)), jshimOut, jshimErr);
    } catch (StatusRuntimeException e) {
      throw new AssertionError(name + ": jshim refused what runc ran (exit " + byRunc.exitStatus() + ", stderr "
          + byRunc.stderr() + "): " + e.getStatus() + "\nrunc's output:\n" + runcReport, e);
    }
    String jshimReport = RuncComparisonTest.normalise(Files.readString(jshimOut, StandardCharsets.UTF_8), jshimId);
    Files.writeString(REPORTS.resolve(name + ".jshim.txt"), jshimReport + "exit " + jshimExit + "\n");
    String diff = ReportDiff.unified("runc  " + name, runcReport, "jshim " + name, jshimReport);
    SoftAssertions.assertSoftly(soft -> {
      soft.assertThat(jshimExit).as("%s: exit status under jshim (runc: %d, runc's stderr: %s)", name, byRunc.exitStatus(),
          byRunc.stderr()).isEqualTo(byRunc.exitStatus());
      if (!diff.isEmpty()) {
        soft.fail("%s: output differs (- runc, + jshim):%n%s", name, diff);
      }
    });
  }

  private ObjectNode config(Case c, boolean noNewPrivs) throws IOException {
    ObjectNode config = Runc.defaultSpec(runcBinary);
    ObjectNode process = (ObjectNode) config.get("process");
    process.put("terminal", false);
    process.put("noNewPrivileges", noNewPrivs);
    ((ObjectNode) config.get("root")).put("path", "rootfs").put("readonly", false);
    ArrayNode args = process.putArray("args");
    (c.args().isEmpty() ? List.of("/bin/sh", "-c", c.script()) : c.args()).forEach(args::add);
    ((ObjectNode) config.get("linux")).set("seccomp", Bundles.JSON.readTree(c.seccomp()));
    return config;
  }

  private static String allowAnd(String rules) {
    return "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\"],\"syscalls\":[" + rules + "]}";
  }

  /** kill denied with EPERM when its signal argument (index 1) compares true. */
  private static String kill(String op, long value, long valueTwo) {
    return "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,\"args\":[{\"index\":1,\"value\":" + value
        + ",\"valueTwo\":" + valueTwo + ",\"op\":\"" + op + "\"}]}";
  }

  static String containerdProfile() throws IOException {
    try (InputStream in = SeccompComparisonTest.class.getResourceAsStream("/seccomp/containerd-1.6.20-default.json")) {
      assertThat(in).as("test resource seccomp/containerd-1.6.20-default.json").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
