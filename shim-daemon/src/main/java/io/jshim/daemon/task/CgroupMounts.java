package io.jshim.daemon.task;

import io.jshim.daemon.cgroup.Cgroup;
import io.jshim.daemon.cgroup.CgroupMode;
import io.jshim.daemon.spawn.Filesystem;
import io.jshim.daemon.spawn.Mount;
import io.jshim.daemon.spawn.MountOptions;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.spawn.Namespaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Expands an OCI mount of type {@code cgroup} into what the kernel can mount. cgroup v1: a tmpfs with one
 * bind mount per hierarchy of the container's own cgroup (as runc does without a cgroup namespace);
 * cgroup v2: a fresh cgroup2 in a new cgroup namespace, otherwise a bind of the container's cgroup.
 */
final class CgroupMounts {
  private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
  private static final String UNIFIED = "unified";
  private static final long ATTRIBUTES = MountOptions.MS_RDONLY | MountOptions.MS_NOSUID | MountOptions.MS_NODEV
      | MountOptions.MS_NOEXEC;

  private CgroupMounts() {}

  static Filesystem expand(Filesystem fs, Optional<Cgroup> cgroup, CgroupMode mode, Namespaces namespaces) {
    if (fs.mounts().stream().noneMatch(CgroupMounts::isCgroup)) {
      return fs;
    }
    List<Mount> mounts = new ArrayList<>();
    for (Mount mount : fs.mounts()) {
      if (!isCgroup(mount)) {
        mounts.add(mount);
      } else if (cgroup.isEmpty()) {
        // no cgroup of its own: show the host's hierarchies, never writable
        mounts.add(new Mount("", CGROUP_ROOT.toString(), mount.target(),
            MountOptions.MS_BIND | MountOptions.MS_REC | (mount.flags() & ATTRIBUTES) | MountOptions.MS_RDONLY, 0, ""));
      } else if (mode == CgroupMode.V2) {
        mounts.addAll(v2(mount, cgroup.get(), namespaces));
      } else {
        mounts.addAll(v1(mount, cgroup.get()));
      }
    }
    return new Filesystem(mounts, fs.devices(), fs.devLinks(), fs.rootPropagation());
  }

  private static boolean isCgroup(Mount mount) {
    return mount.type().equals(FilesystemReader.CGROUP_TYPE);
  }

  private static List<Mount> v2(Mount mount, Cgroup cgroup, Namespaces namespaces) {
    long flags = mount.flags() & ATTRIBUTES;
    if (namespaces.created().contains(Namespace.CGROUP)) {
      return List.of(new Mount("cgroup2", "cgroup2", mount.target(), flags, mount.propagation(), ""));
    }
    return List.of(new Mount("", cgroup.procsDirs().get(0).toString(), mount.target(),
        MountOptions.MS_BIND | MountOptions.MS_REC | flags, mount.propagation(), ""));
  }

  private static List<Mount> v1(Mount mount, Cgroup cgroup) {
    long flags = mount.flags() & ATTRIBUTES;
    List<Mount> mounts = new ArrayList<>();
    // runc 1.1 leaves the tmpfs itself mounted read-write but with mode 555 for a read-only cgroup mount (the
    // hierarchies below are read-only), and shows no cgroup2 hierarchy of a hybrid host: jshim gives the same view
    boolean readonly = (flags & MountOptions.MS_RDONLY) != 0;
    mounts.add(new Mount("tmpfs", "tmpfs", mount.target(), (flags & ~MountOptions.MS_RDONLY), mount.propagation(),
        readonly ? "mode=555" : "mode=755"));
    for (Path dir : cgroup.procsDirs()) {
      if (!dir.startsWith(CGROUP_ROOT) || dir.getNameCount() <= CGROUP_ROOT.getNameCount()) {
        continue;
      }
      String hierarchy = dir.getName(CGROUP_ROOT.getNameCount()).toString();
      if (hierarchy.equals(UNIFIED)) {
        continue;
      }
      mounts.add(new Mount("", dir.toString(), mount.target() + "/" + hierarchy,
          MountOptions.MS_BIND | MountOptions.MS_REC | flags, 0, ""));
    }
    return mounts;
  }
}
