package io.jshim.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.daemon.cgroup.Cgroup;
import io.jshim.daemon.cgroup.CgroupMode;
import io.jshim.daemon.cgroup.CgroupResources;
import io.jshim.daemon.cgroup.CgroupStats;
import io.jshim.daemon.spawn.Filesystem;
import io.jshim.daemon.spawn.Mount;
import io.jshim.daemon.spawn.MountOptions;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.spawn.Namespaces;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CgroupMountsTest {
  private static final long RO = MountOptions.MS_RDONLY | MountOptions.MS_NOSUID | MountOptions.MS_NODEV | MountOptions.MS_NOEXEC;
  private static final long BIND = MountOptions.MS_BIND | MountOptions.MS_REC;
  private static final Mount CGROUP = new Mount("cgroup", "cgroup", "/sys/fs/cgroup", RO, 0, "");
  private static final Mount PROC = new Mount("proc", "proc", "/proc", 0, 0, "");

  @Test
  void expand_v1HybridReadOnly_tmpfsMode555PlusOneReadOnlyBindPerHierarchyWithoutUnified() {
    Cgroup cgroup = new FakeCgroup(List.of(Path.of("/sys/fs/cgroup/memory/jshim/a"), Path.of("/sys/fs/cgroup/pids/jshim/a"),
        Path.of("/sys/fs/cgroup/unified/jshim/a")));

    Filesystem fs = CgroupMounts.expand(fs(PROC, CGROUP), Optional.of(cgroup), CgroupMode.V1, Namespaces.create(Set.of()));

    assertThat(fs.mounts()).containsExactly(PROC,
        new Mount("tmpfs", "tmpfs", "/sys/fs/cgroup", RO & ~MountOptions.MS_RDONLY, 0, "mode=555"),
        new Mount("", "/sys/fs/cgroup/memory/jshim/a", "/sys/fs/cgroup/memory", BIND | RO, 0, ""),
        new Mount("", "/sys/fs/cgroup/pids/jshim/a", "/sys/fs/cgroup/pids", BIND | RO, 0, ""));
  }

  @Test
  void expand_v2_freshCgroup2WithCgroupNamespaceElseBindOfTheContainersCgroup() {
    Cgroup cgroup = new FakeCgroup(List.of(Path.of("/sys/fs/cgroup/jshim/a")));

    assertThat(CgroupMounts.expand(fs(CGROUP), Optional.of(cgroup), CgroupMode.V2, Namespaces.create(Set.of(Namespace.CGROUP)))
        .mounts()).containsExactly(new Mount("cgroup2", "cgroup2", "/sys/fs/cgroup", RO, 0, ""));
    assertThat(CgroupMounts.expand(fs(CGROUP), Optional.of(cgroup), CgroupMode.V2, Namespaces.create(Set.of())).mounts())
        .containsExactly(new Mount("", "/sys/fs/cgroup/jshim/a", "/sys/fs/cgroup", BIND | RO, 0, ""));
  }

  @Test
  void expand_noCgroupOfItsOwn_hostHierarchiesBoundReadOnly() {
    assertThat(CgroupMounts.expand(fs(CGROUP), Optional.empty(), CgroupMode.V1, Namespaces.create(Set.of())).mounts())
        .containsExactly(new Mount("", "/sys/fs/cgroup", "/sys/fs/cgroup", BIND | RO, 0, ""));
  }

  @Test
  void expand_noCgroupMount_filesystemUnchanged() {
    Filesystem fs = fs(PROC);

    assertThat(CgroupMounts.expand(fs, Optional.empty(), CgroupMode.V1, Namespaces.create(Set.of()))).isSameAs(fs);
  }

  private static Filesystem fs(Mount... mounts) {
    return new Filesystem(List.of(mounts), List.of(), true, OptionalLong.empty());
  }

  /** Only procsDirs matters for the expansion. */
  private record FakeCgroup(List<Path> procsDirs) implements Cgroup {
    @Override
    public String path() {
      return "jshim/a";
    }

    @Override
    public void update(CgroupResources resources) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CgroupStats stats() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void freeze() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void thaw() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean frozen() {
      return false;
    }

    @Override
    public java.util.Optional<Path> freezerDir() {
      throw new UnsupportedOperationException();
    }

    @Override
    public long oomKillCount() {
      return 0;
    }

    @Override
    public List<Integer> pids() {
      return List.of();
    }

    @Override
    public boolean canKillAll() {
      return false;
    }

    @Override
    public void killAll() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void destroy() {
      throw new UnsupportedOperationException();
    }
  }
}
