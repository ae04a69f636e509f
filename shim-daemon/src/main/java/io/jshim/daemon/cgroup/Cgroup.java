package io.jshim.daemon.cgroup;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One container's cgroup, created by {@link Cgroups#create}. Safe for use from several threads: changes are
 * serialized, reads are not.
 */
public interface Cgroup {
  /** The OCI cgroupsPath this cgroup was created for, normalized (no empty, trailing or repeated slashes). */
  String path();

  /**
   * Every directory the container's processes must join: on v1 one per mounted hierarchy (including
   * {@code name=systemd} and, on a hybrid host, the cgroup2 mount), on v2 exactly one. A process joins by
   * writing its pid to {@code DIR/cgroup.procs}.
   */
  List<Path> procsDirs();

  /** Applies {@code resources}; empty fields keep their current value. */
  void update(CgroupResources resources);

  /** A snapshot of the statistics; a controller that is not available leaves its section absent. */
  CgroupStats stats();

  /**
   * Freezes every process in the cgroup and returns once the kernel reports the cgroup frozen. If that does
   * not happen in time the cgroup is thawed again and an internal error is thrown.
   */
  void freeze();

  /** Thaws the cgroup and returns once the kernel reports it thawed. */
  void thaw();

  /** True if the kernel reports the cgroup frozen. */
  boolean frozen();

  /**
   * The directory whose freezer {@link #freeze()} drives (v1: the freezer hierarchy's, v2: the cgroup itself), for
   * tools that freeze through it (CRIU's {@code --freeze-cgroup}); empty without a freezer.
   */
  Optional<Path> freezerDir();

  /** OOM kills inside the cgroup so far; 0 when the kernel does not count them or the memory controller is missing. */
  long oomKillCount();

  /** The pids in the cgroup (v1: of the pids hierarchy, else the memory one); empty once it is gone. */
  List<Integer> pids();

  /**
   * True if {@link #killAll()} works here: only cgroup v2 on Linux 5.14 or later has {@code cgroup.kill}.
   * Elsewhere the caller signals each pid of {@link #pids()} itself (this package sends no signals).
   */
  boolean canKillAll();

  /**
   * Sends SIGKILL to every process in the cgroup through {@code cgroup.kill}; the caller still waits for their
   * exits. Throws unimplemented where {@link #canKillAll()} is false.
   */
  void killAll();

  /**
   * Removes the directories {@link Cgroups#create} made, deepest first, retrying briefly while the kernel still
   * releases exited processes; directories that existed before are kept, missing ones are ignored. Refuses
   * with failed-precondition, naming the pids, while a process is still inside. Removing twice is harmless.
   */
  void destroy();
}
