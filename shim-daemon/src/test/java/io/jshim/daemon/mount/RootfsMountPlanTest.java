package io.jshim.daemon.mount;

import static io.jshim.daemon.spawn.MountOptions.MS_BIND;
import static io.jshim.daemon.spawn.MountOptions.MS_NOSUID;
import static io.jshim.daemon.spawn.MountOptions.MS_PRIVATE;
import static io.jshim.daemon.spawn.MountOptions.MS_RDONLY;
import static io.jshim.daemon.spawn.MountOptions.MS_REC;
import static io.jshim.daemon.spawn.MountOptions.MS_REMOUNT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.task.RootfsMount;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RootfsMountPlanTest {
  private static MountPlan plan(String type, String source, String... options) {
    return MountPlan.of(new RootfsMount(type, source, List.of(options)), "rootfs mount 1 of 1");
  }

  @Test
  void rbindRw_isOneRecursiveBind() {
    MountPlan plan = plan("bind", "/snap/1/fs", "rbind", "rw");

    assertThat(plan.calls()).containsExactly(new MountCall("/snap/1/fs", null, MS_BIND | MS_REC, null));
  }

  @Test
  void bindType_withoutOptions_isABind() {
    assertThat(plan("bind", "/snap", "nosuid").calls())
        .containsExactly(new MountCall("/snap", null, MS_BIND | MS_NOSUID, null));
  }

  @Test
  void rbindType_isARecursiveBind() {
    assertThat(plan("rbind", "/snap").mount().flags()).isEqualTo(MS_BIND | MS_REC);
  }

  @Test
  void readOnlyBind_isRemountedReadOnly() {
    MountPlan plan = plan("bind", "/snap", "rbind", "ro");

    assertThat(plan.calls()).containsExactly(
        new MountCall("/snap", null, MS_BIND | MS_REC | MS_RDONLY, null),
        new MountCall(null, null, MS_REMOUNT | MS_BIND | MS_RDONLY, null));
  }

  @Test
  void overlay_passesItsDirectoriesAsData() {
    MountPlan plan = plan("overlay", "overlay", "index=off", "workdir=/s/2/work", "upperdir=/s/2/fs", "lowerdir=/s/1/fs");

    assertThat(plan.calls()).containsExactly(
        new MountCall("overlay", "overlay", 0, "index=off,workdir=/s/2/work,upperdir=/s/2/fs,lowerdir=/s/1/fs"));
  }

  @Test
  void readOnlyFilesystem_needsNoRemount() {
    assertThat(plan("ext4", "/dev/vdb", "ro", "noatime").calls())
        .containsExactly(new MountCall("/dev/vdb", "ext4", MS_RDONLY | io.jshim.daemon.spawn.MountOptions.MS_NOATIME, null));
  }

  @Test
  void propagation_isASeparateCallAfterTheMount() {
    MountPlan plan = plan("bind", "/snap", "rbind", "rprivate");

    assertThat(plan.after()).containsExactly(new MountCall(null, null, MS_PRIVATE | MS_REC, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"loop", "idmap"})
  void unsupportedOption_isInvalidArgumentNamingIt(String option) {
    assertThatThrownBy(() -> plan("ext4", "/images/layer.img", option))
        .isInstanceOfSatisfying(ShimException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
        .hasMessageContaining("rootfs mount 1 of 1").hasMessageContaining("\"" + option + "\"")
        .hasMessageContaining("not supported");
  }

  @Test
  void dataLongerThanAPage_isRefusedWithTheLimit() {
    String lowerdir = "lowerdir=" + String.join(":", java.util.Collections.nCopies(200, "/var/lib/snapshots/123/fs"));

    assertThatThrownBy(() -> plan("overlay", "overlay", "workdir=/w", "upperdir=/u", lowerdir))
        .isInstanceOfSatisfying(ShimException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
        .hasMessageContaining("expected: at most 4095");
  }
}
