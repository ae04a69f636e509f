package io.jshim.client;

/**
 * One process inside a task, as listed by {@link ShimClient#pids(String)}.
 *
 * @param pid the process id in the daemon's pid namespace
 */
public record ProcessEntry(int pid) {
}
