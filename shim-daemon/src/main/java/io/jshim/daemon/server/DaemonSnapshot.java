package io.jshim.daemon.server;

import java.util.Optional;

/**
 * The daemon's counters at one moment, as the composition root gathers them for the status service.
 *
 * @param activeSide "fork" or "fd" while somebody holds the fork gate
 * @param oomKills OOM kills counted in the current tasks' cgroups
 */
public record DaemonSnapshot(
    int tasks,
    long reaped,
    long unclaimed,
    long forkEntries,
    long fdEntries,
    long forkWaits,
    long fdWaits,
    long handoffs,
    long maxBatch,
    int maxHandoffsWaited,
    int activeHolders,
    Optional<String> activeSide,
    int forkWaiting,
    int fdWaiting,
    long oomKills) {}
