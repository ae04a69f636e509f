package io.jshim.daemon.cgroup;

/** Which cgroup layout the host uses. */
public enum CgroupMode {
  /** One hierarchy per controller (legacy), possibly beside an empty cgroup2 mount (hybrid). */
  V1,
  /** One unified cgroup2 hierarchy holding every controller. */
  V2
}
