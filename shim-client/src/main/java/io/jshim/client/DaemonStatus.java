package io.jshim.client;

/**
 * The daemon's counters, as answered by {@link ShimClient#status()}.
 *
 * @param reaped processes reaped since the daemon started
 * @param unclaimed reaped processes nobody had claimed (orphans, spawn helpers)
 * @param oomKills processes the kernel killed for exceeding a memory limit, counted in the current tasks' cgroups
 */
public record DaemonStatus(int pid, String version, int tasks, long reaped, long unclaimed, long oomKills,
    ForkGate forkGate) {
  /**
   * The xor fork gate's counters.
   *
   * @param activeSide "fork", "fd", or empty when nobody holds the gate
   * @param maxHandoffsWaited the most handoffs any waiter saw before it entered (the gate promises at most 2)
   */
  public record ForkGate(long forkEntries, long fdEntries, long forkWaits, long fdWaits, long handoffs, long maxBatch,
      int maxHandoffsWaited, int activeHolders, String activeSide, int forkWaiting, int fdWaiting) {}
}
