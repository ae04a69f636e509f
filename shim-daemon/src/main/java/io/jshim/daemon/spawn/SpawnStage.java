package io.jshim.daemon.spawn;

import java.util.Arrays;

/** Where in the helper or the workload a spawn failed; numbers as in native/src/sync.h. */
public enum SpawnStage {
  ARGS(1, "parse the helper's arguments"),
  CLONE(2, "clone the workload"),
  HOSTNAME(3, "set the hostname"),
  MOUNT(4, "set up mounts"),
  ROOTFS(5, "enter the root filesystem"),
  USER(6, "switch user"),
  CWD(7, "change directory"),
  EXEC(8, "execute the program"),
  SYNC(9, "talk to the daemon"),
  RLIMIT(10, "set a resource limit"),
  PROCESS(11, "set process attributes"),
  CAPS(12, "set capabilities"),
  SYSCTL(13, "set a kernel parameter"),
  DEVICES(14, "create device nodes"),
  USERNS(15, "set up the user namespace"),
  CGROUP(16, "join the cgroup"),
  JOIN(17, "join a namespace"),
  CONSOLE(18, "set up the console"),
  SECCOMP(19, "load the seccomp filter"),
  HOOK(20, "run an OCI hook"),
  ATTRS(21, "set kernel attributes (personality, I/O priority, scheduler, domainname, time offsets, CPU affinity)"),
  RUN(22, "run a program to completion"),
  UNKNOWN(0, "start");

  private final int code;
  private final String action;

  SpawnStage(int code, String action) {
    this.code = code;
    this.action = action;
  }

  /** What the stage does, for messages: "cannot set the hostname: ...". */
  public String action() {
    return action;
  }

  static SpawnStage of(int code) {
    return Arrays.stream(values()).filter(s -> s.code == code).findFirst().orElse(UNKNOWN);
  }
}
