package io.jshim.daemon.cgroup;

import static io.jshim.daemon.cgroup.ResourcesBuilder.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jshim.daemon.Privileged;
import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v2 code against a real cgroup2 mount: this host's own (on a pure v2 host) or the hybrid one's
 * {@code /sys/fs/cgroup/unified}, whose cgroups have no controllers but do freeze, kill and list processes.
 * The host's mount table is cut down to its cgroup2 line so that {@link Cgroups} runs in V2 mode. Needs root.
 */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CgroupV2UnifiedTest {
  @TempDir
  Path tmp;

  private Cgroups cgroups;
  private Path mount;
  private String name;

  @BeforeEach
  void useOnlyTheCgroup2Mount() throws IOException {
    Privileged.assumeRoot();
    UnifiedOnlyView view = UnifiedOnlyView.write(tmp);
    cgroups = view.cgroups();
    mount = cgroups.hierarchies().get(0).mountPoint();
    name = TestCgroups.uniqueName();
  }

  @AfterEach
  void removeLeftovers() throws IOException {
    if (mount != null) {
      TestCgroups.removeAll(List.of(mount), name);
    }
  }

  @Test
  void detect_withOnlyACgroup2Mount_isV2WithOneDirectory() {
    Cgroup cgroup = cgroups.create("/" + name, CgroupResources.none());

    assertThat(cgroups.mode()).isEqualTo(CgroupMode.V2);
    assertThat(cgroup.procsDirs()).containsExactly(mount.resolve(name));
    assertThat(mount.resolve(name).resolve("cgroup.procs")).exists();
    cgroup.destroy();
    assertThat(mount.resolve(name)).doesNotExist();
  }

  @Test
  void process_inTheCgroup_isListedFrozenThawedAndBlocksDestroyUntilItDies() throws Exception {
    Cgroup cgroup = cgroups.create("/" + name, CgroupResources.none());
    try (Workload spinner = Workload.shell("while :; do :; done").joinAll(cgroup)) {
      assertThat(cgroup.pids()).containsExactly(spinner.pid());
      V2Stats stats = (V2Stats) cgroup.stats();
      assertThat(stats.cpu()).isPresent();

      cgroup.freeze();
      assertThat(cgroup.frozen()).isTrue();
      assertThat(Files.readString(cgroup.procsDirs().get(0).resolve("cgroup.events"))).contains("frozen 1");
      long ticks = spinner.cpuTicks();
      Thread.sleep(300);
      assertThat(spinner.cpuTicks()).isEqualTo(ticks);

      cgroup.thaw();
      assertThat(cgroup.frozen()).isFalse();
      Thread.sleep(300);
      assertThat(spinner.cpuTicks()).isGreaterThan(ticks);

      assertThatThrownBy(cgroup::destroy).isInstanceOfSatisfying(ShimException.class, e -> {
        assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
        assertThat(e.getMessage()).contains("[" + spinner.pid() + "]");
      });

      spinner.killAndWait();
      cgroup.destroy();
      assertThat(mount.resolve(name)).doesNotExist();
    }
  }

  @Test
  void killAll_withCgroupKill_killsEveryProcessWithSigkill() throws Exception {
    Cgroup cgroup = cgroups.create("/" + name + "/nested", CgroupResources.none());
    assumeTrue(cgroup.canKillAll(), "needs cgroup.kill (Linux 5.14)");
    try (Workload sleeper = Workload.shell("exec sleep 600").joinAll(cgroup)) {
      cgroup.killAll();

      assertThat(sleeper.waitFor()).as("exit value: 128 + SIGKILL").isEqualTo(137);
      assertThat(Polling.until(() -> cgroup.pids().isEmpty())).isTrue();
    }
    cgroup.destroy();
    assertThat(mount.resolve(name + "/nested")).doesNotExist();
    assertThat(mount.resolve(name)).as("parents may be shared with other containers").isDirectory();
  }

  @Test
  void create_withAMissingController_failsNamingTheFieldAndLeavesNoDirectory() throws IOException {
    String controllers = Files.readString(mount.resolve("cgroup.controllers"));
    assumeTrue(!controllers.contains("memory"), "needs a cgroup2 mount without the memory controller");

    assertThatThrownBy(() -> cgroups.create("/" + name, resources().memoryLimit(1 << 26).build()))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
          assertThat(e.getMessage()).startsWith("linux.resources.memory.limit: cannot be applied, the memory controller"
              + " is not available in " + mount.resolve(name));
        });
    assertThat(mount.resolve(name)).doesNotExist();
  }

  @Test
  void create_withRestrictingDeviceRules_isUnimplementedAndTouchesNothing() {
    CgroupResources devices = resources().device(DeviceRule.all(false)).device(new DeviceRule(true, 'c', 1, 3, "rwm"))
        .build();

    assertThatThrownBy(() -> cgroups.create("/" + name, devices)).isInstanceOfSatisfying(ShimException.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.UNIMPLEMENTED);
      assertThat(e.getMessage()).contains("eBPF");
    });
    assertThat(mount.resolve(name)).doesNotExist();
  }
}
