package io.jshim.daemon.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@code criu} binary and the command lines jshim runs it with. */
public final class Criu {
  /** Where CRIU writes its log of a dump, inside the work directory. */
  public static final String DUMP_LOG = "dump.log";
  /** Where CRIU writes its log of a restore, inside the work directory. */
  public static final String RESTORE_LOG = "restore.log";
  private static final List<String> SBIN = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

  private final Path binary;

  public Criu(Path binary) {
    if (!binary.isAbsolute()) {
      throw new IllegalArgumentException("criu: " + binary + " (expected: an absolute path)");
    }
    this.binary = binary;
  }

  /** The first executable {@code criu} on {@code path} (a PATH value) or in the sbin directories. */
  public static Optional<Criu> find(String path) {
    Set<String> dirs = new LinkedHashSet<>();
    if (path != null) {
      for (String dir : path.split(":")) {
        if (dir.startsWith("/")) {
          dirs.add(dir);
        }
      }
    }
    dirs.addAll(SBIN);
    return dirs.stream().map(dir -> Path.of(dir, "criu")).filter(Files::isExecutable).findFirst().map(Criu::new);
  }

  public Path binary() {
    return binary;
  }

  /**
   * {@code criu dump} of the tree under {@code pid}: leaves it running unless {@code options.exit()}; stdio that is
   * not a pipe and the external mounts are named, so that CRIU dumps them by name.
   *
   * @param frozenCgroup the freezer directory of a paused task, empty for a running one
   */
  List<String> dumpArgs(int pid, Path imageDir, Path workDir, CheckpointOptions options, List<OpenFile> stdio,
      ExternalMounts mounts, Optional<Path> frozenCgroup) {
    List<String> args = new ArrayList<>(List.of("dump", "--tree", Integer.toString(pid), "--images-dir",
        imageDir.toString(), "--work-dir", workDir.toString(), "--log-file", DUMP_LOG, "-v4"));
    // CRIU cannot seize a frozen task by ptrace (it would wait for the thaw); through the freezer cgroup it takes the
    // tasks as they are and leaves the cgroup as it found it, frozen
    frozenCgroup.ifPresent(dir -> args.addAll(List.of("--freeze-cgroup", dir.toString())));
    if (!options.exit()) {
      args.add("--leave-running");
    }
    commonOptions(args, options.openTcp(), options.externalUnixSockets(), options.fileLocks());
    options.cgroupsMode().ifPresent(mode -> args.add("--manage-cgroups=" + mode));
    if (options.emptyNetwork()) {
      args.addAll(List.of("--empty-ns", "net"));
    }
    stdio.stream().filter(OpenFile::external).map(OpenFile::key).distinct()
        .forEach(key -> args.addAll(List.of("--external", key)));
    for (String target : mounts.binds().keySet()) {
      args.addAll(List.of("--external", "mnt[" + target + "]:" + target));
    }
    for (String masked : mounts.maskedFiles()) {
      args.addAll(List.of("--external", "mnt[" + masked + "]:" + masked));
    }
    return args;
  }

  /**
   * {@code criu restore} of the images, detached and left stopped, its root task's pid in {@code pidFile}.
   *
   * @param root the container's root, a mount point where CRIU runs; empty when the task has no mount namespace
   * @param inherited CRIU's names of the stdio to the fd numbers CRIU has the new ones at
   */
  List<String> restoreArgs(Path imageDir, Path workDir, Path pidFile, Optional<String> root, ImageDescriptor image,
      Map<String, Integer> inherited, ExternalMounts mounts) {
    List<String> args = new ArrayList<>(List.of("restore", "--images-dir", imageDir.toString(), "--work-dir",
        workDir.toString(), "--log-file", RESTORE_LOG, "-v4", "--restore-detached", "--leave-stopped", "--pidfile",
        pidFile.toString(),
        // the restored tree stays in CRIU's cgroup, the new task's: the dumped one may be another task's
        "--manage-cgroups=ignore"));
    root.ifPresent(r -> args.addAll(List.of("--root", r)));
    commonOptions(args, image.openTcp(), image.externalUnixSockets(), image.fileLocks());
    if (image.emptyNetwork()) {
      args.addAll(List.of("--empty-ns", "net"));
    }
    inherited.forEach((key, fd) -> args.addAll(List.of("--inherit-fd", "fd[" + fd + "]:" + key)));
    for (String target : image.bindMounts()) {
      args.addAll(List.of("--external", "mnt[" + target + "]:" + mounts.binds().get(target)));
    }
    for (String masked : image.maskedFiles()) {
      args.addAll(List.of("--external", "mnt[" + masked + "]:/dev/null"));
    }
    return args;
  }

  private static void commonOptions(List<String> args, boolean openTcp, boolean externalUnixSockets,
      boolean fileLocks) {
    if (openTcp) {
      args.add("--tcp-established");
    }
    if (externalUnixSockets) {
      args.add("--ext-unix-sk");
    }
    if (fileLocks) {
      args.add("--file-locks");
    }
  }
}
