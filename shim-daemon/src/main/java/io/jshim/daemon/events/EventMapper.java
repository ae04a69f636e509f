package io.jshim.daemon.events;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.jshim.daemon.reaper.ExitStatus;
import io.jshim.daemon.task.TaskEvent;
import io.jshim.proto.events.TaskCheckpointed;
import io.jshim.proto.events.TaskCreate;
import io.jshim.proto.events.TaskDelete;
import io.jshim.proto.events.TaskExecAdded;
import io.jshim.proto.events.TaskExecStarted;
import io.jshim.proto.events.TaskExit;
import io.jshim.proto.events.TaskIO;
import io.jshim.proto.events.TaskOOM;
import io.jshim.proto.events.TaskPaused;
import io.jshim.proto.events.TaskResumed;
import io.jshim.proto.events.TaskStart;
import java.time.Instant;

/** A {@link TaskEvent} as containerd's event message and topic. */
final class EventMapper {
  private EventMapper() {}

  /** containerd's topic and the event packed with the bare type URL containerd resolves. */
  record Mapped(String topic, Any event) {}

  static Mapped map(TaskEvent event) {
    // Java 17 has no pattern switch: the sealed interface's cases one by one, the last one needs no test
    if (event instanceof TaskEvent.Created e) {
      return mapped("/tasks/create", TaskCreate.newBuilder().setContainerId(e.taskId()).setBundle(e.bundle().toString())
          .setPid(e.pid()).setIo(TaskIO.newBuilder().setStdin(e.stdio().stdin()).setStdout(e.stdio().stdout())
              .setStderr(e.stdio().stderr()).setTerminal(e.terminal()))
          .build());
    }
    if (event instanceof TaskEvent.Started e) {
      return mapped("/tasks/start", TaskStart.newBuilder().setContainerId(e.taskId()).setPid(e.pid()).build());
    }
    if (event instanceof TaskEvent.ExecAdded e) {
      return mapped("/tasks/exec-added", TaskExecAdded.newBuilder().setContainerId(e.taskId()).setExecId(e.execId())
          .build());
    }
    if (event instanceof TaskEvent.ExecStarted e) {
      return mapped("/tasks/exec-started", TaskExecStarted.newBuilder().setContainerId(e.taskId()).setExecId(e.execId())
          .setPid(e.pid()).build());
    }
    if (event instanceof TaskEvent.Exited e) {
      return mapped("/tasks/exit", TaskExit.newBuilder().setContainerId(e.taskId()).setId(e.processId())
          .setPid(e.exit().pid()).setExitStatus(e.exit().status()).setExitedAt(timestamp(e.exit())).build());
    }
    if (event instanceof TaskEvent.Deleted e) {
      return mapped("/tasks/delete", TaskDelete.newBuilder().setContainerId(e.taskId()).setId(e.processId())
          .setPid(e.exit().pid()).setExitStatus(e.exit().status()).setExitedAt(timestamp(e.exit())).build());
    }
    if (event instanceof TaskEvent.Oom e) {
      return mapped("/tasks/oom", TaskOOM.newBuilder().setContainerId(e.taskId()).build());
    }
    if (event instanceof TaskEvent.Paused e) {
      return mapped("/tasks/paused", TaskPaused.newBuilder().setContainerId(e.taskId()).build());
    }
    if (event instanceof TaskEvent.Resumed e) {
      return mapped("/tasks/resumed", TaskResumed.newBuilder().setContainerId(e.taskId()).build());
    }
    TaskEvent.Checkpointed e = (TaskEvent.Checkpointed) event;
    return mapped("/tasks/checkpointed", TaskCheckpointed.newBuilder().setContainerId(e.taskId())
        .setCheckpoint(e.checkpoint().toString()).build());
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  private static Timestamp timestamp(ExitStatus exit) {
    return timestamp(exit.exitedAt());
  }

  private static Mapped mapped(String topic, Message message) {
    // containerd looks the type up by its full name alone: no "type.googleapis.com/" host part
    return new Mapped(topic, Any.newBuilder().setTypeUrl(message.getDescriptorForType().getFullName())
        .setValue(message.toByteString()).build());
  }
}
