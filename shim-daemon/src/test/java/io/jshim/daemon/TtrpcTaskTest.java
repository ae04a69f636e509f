package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jshim.daemon.ttrpc.TtrpcClient;
import io.jshim.proto.task.v2.ConnectRequest;
import io.jshim.proto.task.v2.ConnectResponse;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.CreateTaskResponse;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.DeleteResponse;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StartResponse;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.task.v2.WaitResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The task API over ttrpc, as containerd 1.6 calls it, against a real daemon started with a ttrpc socket. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TtrpcTaskTest {
  private static final String TASK = "containerd.task.v2.Task";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private DaemonFixture fixture;
  private TtrpcClient client;

  @BeforeEach
  void startDaemon() throws IOException {
    Privileged.assumeRoot();
    fixture = DaemonFixture.startWithTtrpc(dir);
    client = TtrpcClient.connect(fixture.daemon().ttrpcSocket().orElseThrow());
  }

  @AfterEach
  void stopDaemon() {
    if (client != null) {
      client.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  private byte[] call(String method, com.google.protobuf.MessageLite request) throws Exception {
    return client.call(TASK, method, request.toByteArray(), TIMEOUT).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void createStartWaitDelete_workloadExits3_waitAndDeleteReport3() throws Exception {
    Path bundle = fixture.bundle(Privileged.testbin().toString(), "exit", "3").namespaces("pid", "uts", "ipc", "mount")
        .write();

    CreateTaskResponse created = CreateTaskResponse.parseFrom(call("Create", CreateTaskRequest.newBuilder()
        .setId("t3").setBundle(bundle.toString()).setStdout(dir.resolve("out").toString()).build()));
    StartResponse started = StartResponse.parseFrom(call("Start", StartRequest.newBuilder().setId("t3").build()));
    WaitResponse exit = WaitResponse.parseFrom(call("Wait", WaitRequest.newBuilder().setId("t3").build()));
    DeleteResponse deleted = DeleteResponse.parseFrom(call("Delete", DeleteRequest.newBuilder().setId("t3").build()));

    assertThat(created.getPid()).isPositive();
    assertThat(started.getPid()).isEqualTo(created.getPid());
    assertThat(exit.getExitStatus()).isEqualTo(3);
    assertThat(deleted.getExitStatus()).isEqualTo(3);
  }

  @Test
  void delete_unknownId_failsNotFound() {
    assertThatThrownBy(() -> call("Delete", DeleteRequest.newBuilder().setId("nope").build()))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void connect_v3ServiceName_answersLikeV2() throws Exception {
    ConnectResponse connected = ConnectResponse.parseFrom(client.call("containerd.task.v3.Task", "Connect",
        ConnectRequest.getDefaultInstance().toByteArray(), TIMEOUT).get(30, TimeUnit.SECONDS));

    assertThat(connected.getShimPid()).isEqualTo(ProcessHandle.current().pid());
  }

  @Test
  void start_ttrpcSocket_isMode0600() throws IOException {
    Path socket = fixture.daemon().ttrpcSocket().orElseThrow();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
  }
}
