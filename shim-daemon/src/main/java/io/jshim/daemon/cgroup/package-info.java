/**
 * Linux control groups as plain files under the cgroup filesystems: v1 (legacy or hybrid, one hierarchy per
 * controller) and v2 (one unified hierarchy). Creates a container's cgroup, applies OCI
 * {@code linux.resources}, reads statistics, freezes and removes it.
 */
package io.jshim.daemon.cgroup;
