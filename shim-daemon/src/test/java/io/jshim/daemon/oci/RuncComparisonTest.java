package io.jshim.daemon.oci;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.StatusRuntimeException;
import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.oci.Bundles.Variant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bar of OCI conformance: a bundle that runs under runc runs under jshim with the same observable
 * result. Each {@link Variant} is written twice from the same config (runc's own {@code runc spec},
 * patched), run once by {@code runc run} and once by jshim (Create, Start, Wait, Delete on a real daemon),
 * and the two must give the same exit status and the same stdout. The comparison workload is
 * {@code /report.sh} of {@link TestRootfs}: pid, hostname, uid/gid/groups, cwd, umask, environment,
 * capability sets, no_new_privs, seccomp mode, rlimits, mounts, /dev, and per variant what may be written,
 * the masked paths, the extra mounts or the cgroups.
 *
 * <p>Both runtimes' containers write their stdout to a regular file and read stdin from /dev/null, and
 * both inherit their rlimits from this JVM (runc through /bin/sh, jshim through its helper), so limits a
 * config does not set compare equal too.
 *
 * <p>Normalisation, applied to both reports alike, is deliberately minimal:
 * <ul>
 *   <li>the container id is replaced by {@code <id>}: the two runs use different ids, so that nothing one
 *       runtime leaves behind (a cgroup, state) can pass for the other's, and the id shows up in cgroup
 *       paths ({@code cgroupsPath} of the cgroups variant is {@code /jshim-oci-test/<id>}).</li>
 * </ul>
 * Everything else that could vary between two runs is left out by the report itself, not rewritten here:
 * timestamps and sizes in /dev, mount ids, device numbers of file systems and mount options other than
 * ro/rw, nosuid, nodev and noexec; mounts are sorted by mount point because their order in mountinfo
 * is the order of mounting, which a runtime may choose. Nothing is papered over: a mount, device, flag or
 * limit that differs fails the test, with the differing lines as a diff (runc {@code -}, jshim {@code +}).
 * Every run leaves its reports in {@code shim-daemon/target/oci-reports/VARIANT.{runc,jshim}.txt}
 * (and jshim's stderr, and the config), for whoever works on a difference.
 *
 * <p>This machine's cgroups (v1 controllers under /sys/fs/cgroup, a cgroup2 with only hugetlb at
 * /sys/fs/cgroup/unified) needed no workaround: Debian's runc 1.1.5 runs its own default config and
 * every variant here as it is (no hugetlb limit is asked for). runc leaves the empty parent
 * {@code /jshim-oci-test} behind in every hierarchy; {@link Cgroups#removeTestParent} removes it after
 * each test.
 *
 * <p>Run the OCI tests alone (as root, with {@code runc} and {@code busybox-static} installed):
 * {@code mvn -B -pl shim-daemon -am verify -Dtest='io.jshim.daemon.oci.*Test' -Dsurefire.failIfNoSpecifiedTests=false}
 * (the pattern needs the {@code Test} suffix: {@code io.jshim.daemon.oci.*} matches no test class in
 * surefire 3.5, and with failIfNoSpecifiedTests=false runs nothing, silently).
 */
@Tag("privileged")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuncComparisonTest {
  private static final Path REPORTS = Path.of("target", "oci-reports").toAbsolutePath();
  /** Ids unique to this JVM, so that leftovers of an aborted run do not collide with this one's. */
  private static final String RUN = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);

  @TempDir
  Path dir;

  private SideBySide both;
  private Runc runc;
  private Bundles bundles;
  private DaemonFixture fixture;

  @BeforeEach
  void setUp() throws IOException {
    both = SideBySide.start(dir);
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
    Cgroups.removeTestParent();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void sameBundle_runUnderRuncThenJshim_sameExitStatusAndSameInsideView(Variant variant) throws IOException {
    String name = variant.fileName();
    String runcId = "runc-" + name + "-" + RUN;
    String jshimId = "jshim-" + name + "-" + RUN;
    Files.writeString(REPORTS.resolve(name + ".config.json"),
        Bundles.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bundles.config(variant, "<id>")));

    Path runcOut = dir.resolve(runcId + ".out");
    Runc.Result byRunc = runc.run(bundles.write(variant, runcId, runcId), runcId, runcOut, Duration.ofSeconds(60));
    String runcReport = normalise(Files.readString(runcOut, StandardCharsets.UTF_8), runcId);
    Files.writeString(REPORTS.resolve(name + ".runc.txt"), runcReport);
    assertThat(byRunc.exitStatus())
        .as("%s: runc's own exit status: the reference does not work on this machine; runc's stderr:%n%s", variant, byRunc.stderr())
        .isEqualTo(variant.expectedExit);

    Path jshimOut = dir.resolve(jshimId + ".out");
    Path jshimErr = dir.resolve(jshimId + ".err");
    int jshimExit;
    try {
      jshimExit = fixture.run(jshimId, bundles.write(variant, jshimId, jshimId), jshimOut, jshimErr);
    } catch (StatusRuntimeException e) {
      Files.writeString(REPORTS.resolve(name + ".jshim.txt"), "refused: " + e.getStatus() + "\n");
      throw new AssertionError("jshim refused the " + variant + " bundle that runc ran (runc: exit " + byRunc.exitStatus() + "): "
          + e.getStatus() + "\nrunc's report:\n" + runcReport, e);
    }
    String jshimReport = normalise(Files.readString(jshimOut, StandardCharsets.UTF_8), jshimId);
    String jshimStderr = Files.exists(jshimErr) ? Files.readString(jshimErr, StandardCharsets.UTF_8) : "";
    Files.writeString(REPORTS.resolve(name + ".jshim.txt"), jshimReport);
    Files.writeString(REPORTS.resolve(name + ".jshim-stderr.txt"), jshimStderr);

    String diff = ReportDiff.unified("runc  " + name, runcReport, "jshim " + name, jshimReport);
    SoftAssertions.assertSoftly(soft -> {
      soft.assertThat(jshimExit).as("%s: exit status under jshim (runc: %d); jshim's stderr:%n%s", variant, byRunc.exitStatus(), jshimStderr)
          .isEqualTo(byRunc.exitStatus());
      if (!diff.isEmpty()) {
        soft.fail("%s: what the workload printed differs (- runc, + jshim; normalised):%n%s%njshim's stderr:%n%s", variant, diff,
            jshimStderr);
      }
    });
  }

  /** The one normalisation: the container's own id becomes {@code <id>} (see the class comment). */
  static String normalise(String report, String id) {
    return report.replace(id, "<id>");
  }
}
