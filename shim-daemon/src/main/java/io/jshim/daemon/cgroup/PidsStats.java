package io.jshim.daemon.cgroup;

/**
 * The pids controller's view.
 *
 * @param current tasks in the cgroup now ({@code pids.current})
 * @param limit {@code pids.max}, {@link CgroupStats#UNLIMITED} for {@code max}
 */
public record PidsStats(long current, long limit) {}
