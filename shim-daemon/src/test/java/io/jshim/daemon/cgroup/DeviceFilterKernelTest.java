package io.jshim.daemon.cgroup;

import static io.jshim.daemon.cgroup.ResourcesBuilder.resources;
import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.daemon.Privileged;
import io.jshim.daemon.sys.DevicePrograms;
import io.jshim.daemon.sys.JnrPosix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device rules on cgroup v2 as the kernel enforces them: the compiled filter is attached through bpf(2) to a real
 * cgroup2 directory (the hybrid host's {@code /sys/fs/cgroup/unified} will do: device programs need no
 * controller), and a shell moved into it opens device nodes. Needs root.
 */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeviceFilterKernelTest {
  private static final String DENIED = "Operation not permitted";

  @TempDir
  Path tmp;

  private Cgroups cgroups;
  private DevicePrograms programs;
  private Path mount;
  private String name;

  @BeforeEach
  void useOnlyTheCgroup2Mount() throws IOException {
    Privileged.assumeRoot();
    UnifiedOnlyView view = UnifiedOnlyView.write(tmp);
    programs = JnrPosix.load().devicePrograms();
    cgroups = view.cgroups()
        .withDeviceFilters((dir, program) -> programs.replace(dir, program.instructions(), DeviceFilterProgram.LICENSE));
    mount = cgroups.hierarchies().get(0).mountPoint();
    name = "jshim-test-i15-bpf-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void removeLeftovers() throws IOException {
    if (mount != null) {
      TestCgroups.removeAll(List.of(mount), name);
    }
  }

  @Test
  void create_denyAllThenAllowed_onlyTheAllowedDevicesOpen() throws Exception {
    Cgroup cgroup = cgroups.create("/" + name, resources().device(DeviceRule.all(false))
        .device(new DeviceRule(true, 'c', 1, 3, "rwm")).device(new DeviceRule(true, 'c', 1, 5, "r")).build());

    Map<String, String> result = run(cgroup, "<>/dev/null", "</dev/zero", ">/dev/zero", "</dev/full", "<>/dev/full");

    assertThat(result).containsEntry("<>/dev/null", "ok").containsEntry("</dev/zero", "ok");
    assertThat(result.get(">/dev/zero")).contains(DENIED);
    assertThat(result.get("</dev/full")).contains(DENIED);
    assertThat(result.get("<>/dev/full")).contains(DENIED);
    assertThat(programs.attached(cgroup.procsDirs().get(0))).hasSize(1);
    cgroup.destroy();
  }

  @Test
  void create_laterDenyOfOneAccess_deniesOpensAskingForItEvenWithOtherAccess() throws Exception {
    Cgroup cgroup = cgroups.create("/" + name, resources().device(DeviceRule.all(true))
        .device(new DeviceRule(false, 'c', 1, 7, "w")).build());

    Map<String, String> result = run(cgroup, "</dev/full", ">/dev/full", "<>/dev/full", "<>/dev/null");

    assertThat(result).containsEntry("</dev/full", "ok").containsEntry("<>/dev/null", "ok");
    assertThat(result.get(">/dev/full")).contains(DENIED);
    assertThat(result.get("<>/dev/full")).as("read and write asked together").contains(DENIED);
    cgroup.destroy();
  }

  @Test
  void create_mknodRules_mknodOnlyOfTheAllowedNumbers() throws Exception {
    Cgroup cgroup = cgroups.create("/" + name, resources().device(DeviceRule.all(false))
        .device(new DeviceRule(true, 'c', 1, DeviceRule.ANY, "m")).device(new DeviceRule(false, 'c', 1, 7, "m"))
        .build());

    Map<String, String> result = run(cgroup, "mknod " + tmp.resolve("null") + " c 1 3",
        "mknod " + tmp.resolve("full") + " c 1 7", "mknod " + tmp.resolve("block") + " b 7 0");

    assertThat(result).containsEntry("mknod " + tmp.resolve("null") + " c 1 3", "ok");
    assertThat(result.get("mknod " + tmp.resolve("full") + " c 1 7")).contains(DENIED);
    assertThat(result.get("mknod " + tmp.resolve("block") + " b 7 0")).contains(DENIED);
    cgroup.destroy();
  }

  @Test
  void create_typesAndWildcards_eachRuleMatchesOnlyItsDevicesAndTheLaterOneWins() throws Exception {
    Cgroup cgroup = cgroups.create("/" + name, resources().device(DeviceRule.all(true))
        .device(new DeviceRule(false, 'c', 1, DeviceRule.ANY, "r")).device(new DeviceRule(true, 'c', 1, 5, "r"))
        .device(new DeviceRule(false, 'b', DeviceRule.ANY, DeviceRule.ANY, "rwm")).build());
    String block = "mknod " + tmp.resolve("block") + " b 7 0";
    String chr = "mknod " + tmp.resolve("char") + " c 1 3";

    Map<String, String> result = run(cgroup, "</dev/null", ">/dev/null", "</dev/zero", block, chr);

    assertThat(result.get("</dev/null")).as("c 1:* r denies 1:3").contains(DENIED);
    assertThat(result).containsEntry(">/dev/null", "ok").containsEntry("</dev/zero", "ok").containsEntry(chr, "ok");
    assertThat(result.get(block)).as("b *:* m").contains(DENIED);
    cgroup.destroy();
  }

  @Test
  void update_newRules_replaceTheProgramAndApplyAtOnce() throws Exception {
    Cgroup cgroup = cgroups.create("/" + name, resources().device(DeviceRule.all(true))
        .device(new DeviceRule(false, 'c', 1, 7, "rwm")).build());
    Path dir = cgroup.procsDirs().get(0);
    List<Integer> before = programs.attached(dir);
    assertThat(run(cgroup, "</dev/full", "</dev/zero")).containsEntry("</dev/zero", "ok")
        .hasEntrySatisfying("</dev/full", r -> assertThat(r).contains(DENIED));

    cgroup.update(resources().device(DeviceRule.all(true)).device(new DeviceRule(false, 'c', 1, 5, "rwm")).build());

    List<Integer> after = programs.attached(dir);
    assertThat(after).hasSize(1).doesNotContainAnyElementsOf(before);
    assertThat(run(cgroup, "</dev/full", "</dev/zero")).containsEntry("</dev/full", "ok")
        .hasEntrySatisfying("</dev/zero", r -> assertThat(r).contains(DENIED));
    cgroup.destroy();
  }

  @Test
  void update_noDeviceRules_keepsTheProgram() throws Exception {
    Cgroup cgroup = cgroups.create("/" + name, resources().device(DeviceRule.all(true))
        .device(new DeviceRule(false, 'c', 1, 7, "rwm")).build());
    List<Integer> before = programs.attached(cgroup.procsDirs().get(0));

    cgroup.update(CgroupResources.none());

    assertThat(programs.attached(cgroup.procsDirs().get(0))).isEqualTo(before).hasSize(1);
    cgroup.destroy();
  }

  /**
   * Runs each check in a shell moved into {@code cgroup} first: a redirection such as {@code <>/dev/null} opens
   * the device for reading and writing, anything else runs as a command. Gives "ok" or the shell's error.
   */
  private Map<String, String> run(Cgroup cgroup, String... checks) throws Exception {
    Path out = tmp.resolve("result-" + UUID.randomUUID());
    StringBuilder script = new StringBuilder("read go; ");
    for (String check : checks) {
      String command = check.startsWith("<") || check.startsWith(">") ? "exec 3" + check : check;
      // one line per check
      script.append("if r=$( (").append(command).append(") 2>&1 ); then echo ok; else echo \"$r\" | tr '\\n' ' ';")
          .append(" echo; fi >> ").append(out).append("; ");
    }
    try (Workload shell = Workload.shell(script.toString()).joinAll(cgroup)) {
      shell.send("go");
      assertThat(shell.waitFor()).isZero();
    }
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(checks.length);
    Map<String, String> result = new LinkedHashMap<>();
    for (int i = 0; i < checks.length; i++) {
      result.put(checks[i], lines.get(i).strip());
    }
    return result;
  }
}
