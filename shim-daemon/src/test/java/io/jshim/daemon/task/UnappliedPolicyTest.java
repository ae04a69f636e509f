package io.jshim.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.LinuxResources;
import io.jshim.daemon.oci.OciJson;
import io.jshim.daemon.oci.OciSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnappliedPolicyTest {
  private final UnappliedPolicy strict = new UnappliedPolicy(Set.of(), Set.of("capability", "landlock"), false);

  @Test
  void check_securityLabelsOnAHostWithoutTheirLsm_failedPreconditionNamingFieldAndHost() {
    assertRefused(strict, List.of("process.apparmorProfile"), "process.apparmorProfile: this host has no AppArmor");
    assertRefused(strict, List.of("process.selinuxLabel"), "process.selinuxLabel: this host has no SELinux");
    assertRefused(strict, List.of("linux.mountLabel"), "linux.mountLabel: this host has no SELinux");
    assertRefused(strict, List.of("linux.intelRdt"), "linux.intelRdt: this host has no Intel RDT");
  }

  @Test
  void check_labelsOnAHostWithTheLsm_stillRefusedBecauseJshimDoesNotApplyThem() {
    UnappliedPolicy withLsms = new UnappliedPolicy(Set.of(), Set.of("apparmor", "selinux"), true);

    assertRefused(withLsms, List.of("process.apparmorProfile"), "jshim does not load AppArmor profiles");
    assertRefused(withLsms, List.of("linux.intelRdt"), "jshim does not manage resctrl groups");
  }

  @Test
  void check_isolatingResourcesOfCreateAndUpdate_refused() {
    LinuxResources r = OciJson.readResources("""
        {"network":{"classID":1},"rdma":{"mlx":{"hcaHandles":1}},"memory":{"kernelTCP":1},
         "cpu":{"realtimeRuntime":1,"realtimePeriod":2,"idle":1}}
        """.getBytes(StandardCharsets.UTF_8), "test");

    List<String> create = ResourcesReader.notApplied(r, "linux.resources");
    assertThat(create).hasSize(6);
    for (String field : create) {
      assertRefused(strict, List.of(field), field + ": jshim does not apply it");
    }
    assertRefused(strict, ResourcesReader.notApplied(r, "resources"), "resources.network: jshim does not apply it");
  }

  @Test
  void check_advisoryFields_droppedWithAWarningOnly() {
    assertThat(strict.check("task t", List.of("linux.resources.memory.swappiness", "linux.resources.memory.kernel",
        "linux.resources.memory.disableOOMKiller", "linux.resources.cpu.burst", "resources.cpu.burst",
        "process.execCPUAffinity"))).hasSize(6).allSatisfy(w -> assertThat(w).contains(" ("));
  }

  @Test
  void check_allowedFields_letThrough_othersStillRefused() {
    UnappliedPolicy allowing = new UnappliedPolicy(Set.of("process.apparmorProfile", "linux.resources.rdma"), Set.of(), false);

    assertThat(allowing.check("task t", List.of("process.apparmorProfile", "linux.resources.rdma",
        "resources.rdma"))).containsExactly("process.apparmorProfile (allowed by --allow-unapplied)",
        "linux.resources.rdma (allowed by --allow-unapplied)", "resources.rdma (allowed by --allow-unapplied)");
    assertRefused(allowing, List.of("process.apparmorProfile", "process.selinuxLabel"), "process.selinuxLabel");
  }

  @Test
  void check_refusal_namesEveryRefusedFieldAndTheFlagToAllowThem() {
    assertThatThrownBy(() -> strict.check("task t", List.of("process.apparmorProfile", "linux.resources.cpu.burst",
        "linux.resources.rdma")))
        .hasMessageStartingWith("task t: config sets fields that affect isolation and cannot be applied: ")
        .hasMessageContaining("process.apparmorProfile: ")
        .hasMessageContaining("linux.resources.rdma: ")
        .hasMessageNotContaining("cpu.burst: ")
        .hasMessageEndingWith("--allow-unapplied process.apparmorProfile,linux.resources.rdma to run without them)");
  }

  @Test
  void newPolicy_unknownAllowedField_refused() {
    assertThatThrownBy(() -> new UnappliedPolicy(Set.of("process.cwd"), Set.of(), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allow-unapplied: \"process.cwd\"");
  }

  @Test
  void present_labelsOfAnExecProcess_found() {
    OciSpec.Process p = OciJson.readProcess("{\"args\":[\"x\"],\"apparmorProfile\":\"p\",\"selinuxLabel\":\"l\"}"
        .getBytes(StandardCharsets.UTF_8), "exec");

    assertThat(UnappliedPolicy.present(p)).containsExactly("process.apparmorProfile", "process.selinuxLabel");
  }

  private static void assertRefused(UnappliedPolicy policy, List<String> fields, String message) {
    assertThatThrownBy(() -> policy.check("task t", fields)).as("%s", fields).isInstanceOf(ShimException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((ShimException) e).kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
  }
}
