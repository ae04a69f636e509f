package io.jshim.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.jshim.proto.task.v2.StateResponse;
import io.jshim.proto.task.v2.StatsResponse;
import java.nio.file.Path;
import java.time.Instant;

/** Maps the daemon's answers that more than one concern's client reads into the library's records. */
final class Responses {
  private Responses() {}

  static Instant instant(com.google.protobuf.Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  static TaskState taskState(StateResponse response) {
    return new TaskState(
        response.getId(),
        response.getExecId(),
        Path.of(response.getBundle()),
        response.getPid(),
        taskStatus(response.getStatus()),
        response.getStdin(),
        response.getStdout(),
        response.getStderr(),
        response.getTerminal(),
        response.getExitStatus(),
        instant(response.getExitedAt()));
  }

  private static TaskStatus taskStatus(io.jshim.proto.types.task.Status status) {
    return switch (status) {
      case CREATED -> TaskStatus.CREATED;
      case RUNNING -> TaskStatus.RUNNING;
      case STOPPED -> TaskStatus.STOPPED;
      case PAUSED -> TaskStatus.PAUSED;
      case PAUSING -> TaskStatus.PAUSING;
      default -> TaskStatus.UNKNOWN;
    };
  }

  /**
   * Decodes a {@code Stats} answer. Containerd's metrics come with the bare message name as type URL, which
   * {@link Any#unpack} does not accept, so the message class is chosen by the name after the URL's last slash.
   */
  static TaskStats taskStats(StatsResponse response) {
    if (!response.hasStats()) {
      throw new ShimClientException(ShimClientException.Kind.UNKNOWN,
          "stats: the daemon answered without metrics (expected: " + TaskStats.V1_TYPE_URL + " or "
              + TaskStats.V2_TYPE_URL + ")", null);
    }
    Any any = response.getStats();
    String typeUrl = any.getTypeUrl();
    String name = typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
    try {
      Message metrics = switch (name) {
        case TaskStats.V1_TYPE_URL -> io.jshim.proto.cgroups.v1.Metrics.parseFrom(any.getValue());
        case TaskStats.V2_TYPE_URL -> io.jshim.proto.cgroups.v2.Metrics.parseFrom(any.getValue());
        default -> throw new ShimClientException(ShimClientException.Kind.UNKNOWN,
            "stats: unknown metrics type \"" + typeUrl + "\" (expected: " + TaskStats.V1_TYPE_URL + " or "
                + TaskStats.V2_TYPE_URL + ")", null);
      };
      return new TaskStats(typeUrl, metrics);
    } catch (InvalidProtocolBufferException e) {
      throw new ShimClientException(ShimClientException.Kind.INTERNAL,
          "stats: the daemon's " + typeUrl + " cannot be decoded: " + e.getMessage(), e);
    }
  }
}
