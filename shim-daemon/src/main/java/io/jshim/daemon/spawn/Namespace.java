package io.jshim.daemon.spawn;

import java.util.Arrays;
import java.util.Optional;

/** The Linux namespaces a workload can be given, by their OCI names. */
public enum Namespace {
  PID("pid"),
  UTS("uts"),
  IPC("ipc"),
  MOUNT("mount"),
  NETWORK("network"),
  CGROUP("cgroup"),
  USER("user"),
  /** Its clock offsets are written by the helper before the workload enters it. */
  TIME("time");

  private final String ociName;

  Namespace(String ociName) {
    this.ociName = ociName;
  }

  /** The name in an OCI config's {@code linux.namespaces[].type}, also understood by the helper. */
  public String ociName() {
    return ociName;
  }

  /** Looks up an OCI namespace type. */
  /** The file name under {@code /proc/PID/ns/}. */
  public String procName() {
    return switch (this) {
      case MOUNT -> "mnt";
      case NETWORK -> "net";
      default -> ociName;
    };
  }

  public static Optional<Namespace> fromOciName(String name) {
    return Arrays.stream(values()).filter(ns -> ns.ociName.equals(name)).findFirst();
  }
}
