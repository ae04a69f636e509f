package io.jshim.client;

import com.google.protobuf.Message;
import java.util.Objects;

/**
 * A task's cgroup statistics, as answered by {@link ShimClient#stats(String)}.
 *
 * <p>The daemon answers with containerd's cgroup metrics: {@link io.jshim.proto.cgroups.v1.Metrics} on a cgroup v1
 * host ({@code typeUrl} {@value #V1_TYPE_URL}), {@link io.jshim.proto.cgroups.v2.Metrics} on a cgroup v2 host
 * ({@value #V2_TYPE_URL}).
 *
 * @param typeUrl the type URL of the daemon's answer, as sent
 * @param metrics the decoded metrics; a v1 or v2 {@code Metrics} message as {@code typeUrl} says
 */
public record TaskStats(String typeUrl, Message metrics) {
  /** The type URL of cgroup v1 metrics: the bare full name of the message, as containerd sends it. */
  public static final String V1_TYPE_URL = "io.containerd.cgroups.v1.Metrics";
  /** The type URL of cgroup v2 metrics. */
  public static final String V2_TYPE_URL = "io.containerd.cgroups.v2.Metrics";

  /** Checks that no component is {@code null}. */
  public TaskStats {
    Objects.requireNonNull(typeUrl, "typeUrl");
    Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Returns the cgroup v1 metrics, if that is what the daemon answered.
   *
   * @return the metrics
   * @throws IllegalStateException if these are cgroup v2 metrics
   */
  public io.jshim.proto.cgroups.v1.Metrics v1() {
    if (metrics instanceof io.jshim.proto.cgroups.v1.Metrics v1) {
      return v1;
    }
    throw new IllegalStateException("metrics: " + typeUrl + " (expected: " + V1_TYPE_URL + ")");
  }

  /**
   * Returns the cgroup v2 metrics, if that is what the daemon answered.
   *
   * @return the metrics
   * @throws IllegalStateException if these are cgroup v1 metrics
   */
  public io.jshim.proto.cgroups.v2.Metrics v2() {
    if (metrics instanceof io.jshim.proto.cgroups.v2.Metrics v2) {
      return v2;
    }
    throw new IllegalStateException("metrics: " + typeUrl + " (expected: " + V2_TYPE_URL + ")");
  }
}
