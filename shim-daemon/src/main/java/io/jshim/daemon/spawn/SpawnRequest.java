package io.jshim.daemon.spawn;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to start: the program and its environment, the namespaces to create, and the fds that become
 * the workload's stdin, stdout and stderr.
 *
 * @param rootfs absolute path of the root filesystem; empty to stay on the host's
 * @param process limits and attributes the workload sets on itself
 * @param linux sysctls, masked and read-only paths inside the workload's namespaces
 * @param filesystem mounts, devices and /dev links built inside the root before pivot_root
 * @param cgroupDirs cgroup directories the workload is born in (the helper joins them before cloning)
 * @param stdio three fds (0, 1, 2 of the workload), owned by the caller
 * @param console whether the workload gets a new pty as its controlling terminal and stdio (the master comes
 *     back through {@link HeldProcess#takeConsole()})
 * @param attributes personality, I/O priority, scheduler, domainname, time offsets, CPU affinity
 * @param seccomp the syscall filter the workload loads (without no_new_privs before it drops capabilities, with it right before READY); empty for none
 * @param hooks the OCI hooks the workload runs itself, and the stop for the daemon's
 */
public record SpawnRequest(
    List<String> args,
    List<String> env,
    String cwd,
    int uid,
    int gid,
    Namespaces namespaces,
    Optional<String> hostname,
    Optional<String> rootfs,
    ProcessOptions process,
    LinuxSetup linux,
    Filesystem filesystem,
    List<String> cgroupDirs,
    int[] stdio,
    boolean console,
    KernelAttributes attributes,
    Optional<Seccomp> seccomp,
    HookSetup hooks) {

  public SpawnRequest {
    args = List.copyOf(args);
    env = List.copyOf(env);
    Objects.requireNonNull(namespaces, "namespaces");
    Objects.requireNonNull(filesystem, "filesystem");
    cgroupDirs = List.copyOf(cgroupDirs);
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(rootfs, "rootfs");
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(linux, "linux");
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(seccomp, "seccomp");
    Objects.requireNonNull(hooks, "hooks");
    if (args.isEmpty()) {
      throw new IllegalArgumentException("args: [] (expected: at least the program)");
    }
    if (stdio.length != 3) {
      throw new IllegalArgumentException("stdio: " + stdio.length + " fds (expected: 3)");
    }
    stdio = stdio.clone();
  }

  /** Without kernel attributes, seccomp filter or hooks. */
  public SpawnRequest(List<String> args, List<String> env, String cwd, int uid, int gid, Namespaces namespaces,
      Optional<String> hostname, Optional<String> rootfs, ProcessOptions process, LinuxSetup linux, Filesystem filesystem,
      List<String> cgroupDirs, int[] stdio, boolean console) {
    this(args, env, cwd, uid, gid, namespaces, hostname, rootfs, process, linux, filesystem, cgroupDirs, stdio, console,
        KernelAttributes.none(), Optional.empty(), HookSetup.none());
  }

  @Override
  public int[] stdio() {
    return stdio.clone();
  }
}
