/**
 * Linux control groups as plain files under the cgroup filesystems: v1 (legacy or hybrid, one hierarchy per
 * controller) and v2 (one unified hierarchy). Creates a container's cgroup, applies OCI
 * {@code linux.resources}, reads statistics, freezes and removes it. On v2, device rules are compiled to an eBPF
 * program here ({@link io.jshim.daemon.cgroup.DeviceFilterProgram}) and attached by a
 * {@link io.jshim.daemon.cgroup.DeviceFilterLoader} given from outside, the package itself making no system call.
 */
package io.jshim.daemon.cgroup;
