package io.jshim.daemon.cgroup;

/**
 * A snapshot of a cgroup's statistics, shaped by the cgroup version that produced it. A section is absent when
 * its controller is not mounted or not enabled for the cgroup.
 */
public sealed interface CgroupStats permits V1Stats, V2Stats {
  /** A limit the kernel reports as unlimited ({@code max}); as an unsigned 64-bit value this is the maximum. */
  long UNLIMITED = -1;
}
