package io.jshim.daemon.cgroup;

/**
 * One huge page size's counters, with containerd's meaning of {@code max}, which differs between its v1 and v2
 * Metrics.
 *
 * @param pageSize as in the file names, e.g. {@code 2MB}
 * @param usage bytes in use: v1 {@code usage_in_bytes}, v2 {@code current}
 * @param max v1: the peak usage ({@code max_usage_in_bytes}); v2: the limit ({@code max}, -1 for none)
 * @param failcnt allocations refused at the limit: v1 {@code failcnt}, v2 {@code max} of {@code events}
 */
public record HugetlbUsage(String pageSize, long usage, long max, long failcnt) {}
