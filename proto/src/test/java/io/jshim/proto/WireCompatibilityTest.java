package io.jshim.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.ShimProto;
import io.jshim.proto.task.v2.StateResponse;
import io.jshim.proto.types.task.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The names and field numbers that containerd's shim task API (1.6, task.v2) puts on the wire. */
class WireCompatibilityTest {
  @Test
  void taskService_hasContainerdsSeventeenRpcsUnderItsFullName() {
    ServiceDescriptor service = ShimProto.getDescriptor().findServiceByName("Task");

    assertThat(service.getFullName()).isEqualTo("containerd.task.v2.Task");
    assertThat(service.getMethods()).extracting(m -> m.getName()).containsExactly(
        "State", "Create", "Start", "Delete", "Pids", "Pause", "Resume", "Checkpoint", "Kill", "Exec",
        "ResizePty", "CloseIO", "Update", "Wait", "Stats", "Connect", "Shutdown");
  }

  @Test
  void createTaskRequest_fieldNumbersMatchContainerd() {
    assertThat(fields(CreateTaskRequest.getDescriptor())).containsExactlyEntriesOf(ordered(
        "id", 1, "bundle", 2, "rootfs", 3, "terminal", 4, "stdin", 5, "stdout", 6, "stderr", 7,
        "checkpoint", 8, "parent_checkpoint", 9, "options", 10));
  }

  @Test
  void stateResponse_fieldNumbersMatchContainerd() {
    assertThat(fields(StateResponse.getDescriptor())).containsExactlyEntriesOf(ordered(
        "id", 1, "bundle", 2, "pid", 3, "status", 4, "stdin", 5, "stdout", 6, "stderr", 7, "terminal", 8,
        "exit_status", 9, "exited_at", 10, "exec_id", 11));
  }

  @Test
  void messages_keepContainerdsFullNames() {
    assertThat(CreateTaskRequest.getDescriptor().getFullName()).isEqualTo("containerd.task.v2.CreateTaskRequest");
    assertThat(Status.getDescriptor().getFullName()).isEqualTo("containerd.v1.types.Status");
    assertThat(Status.STOPPED.getNumber()).isEqualTo(3);
    assertThat(io.jshim.proto.types.Mount.getDescriptor().getFullName()).isEqualTo("containerd.types.Mount");
  }

  private static Map<String, Integer> fields(Descriptor descriptor) {
    Map<String, Integer> result = new LinkedHashMap<>();
    descriptor.getFields().forEach(f -> result.put(f.getName(), f.getNumber()));
    return result;
  }

  private static Map<String, Integer> ordered(Object... pairs) {
    Map<String, Integer> result = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      result.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return result;
  }
}
