package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.daemon.cgroup.UnifiedOnlyView;
import io.jshim.daemon.sys.DevicePrograms;
import io.jshim.daemon.sys.JnrPosix;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.UpdateTaskRequest;
import io.jshim.proto.task.v2.WaitRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device rules of containers on a cgroup v2 layout: the daemon sees only the host's cgroup2 mount (on a hybrid host
 * {@code /sys/fs/cgroup/unified}), so its containers' device rules become eBPF filters. The deny-all list of
 * containerd's default spec, with jshim's default allow-list after it, must let the container use /dev/null and
 * keep it from any other device. Needs root.
 */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CgroupV2DeviceTaskTest {
  private static final String DENY_ALL = "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}";

  @TempDir
  Path dir;

  private DaemonFixture fixture;
  private Path unified;
  private final String parent = "jshim-it-i15-bpf-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void startDaemonOnTheCgroup2MountOnly() throws IOException {
    Privileged.assumeRoot();
    UnifiedOnlyView view = UnifiedOnlyView.write(dir);
    unified = view.mountPoint();
    fixture = DaemonFixture.startOnCgroups(dir, view::cgroups);
  }

  @AfterEach
  void stopDaemon() throws IOException {
    if (fixture != null) {
      fixture.close();
    }
    if (unified != null) {
      Files.deleteIfExists(unified.resolve(parent));
    }
  }

  @Test
  void create_denyAllDevices_defaultNodesWorkOthersAreEperm() throws IOException {
    assumeTrue(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse (10:229), a device outside the default list");

    int allowed = fixture.run("null", bundle("/" + parent + "/null", DENY_ALL, "write-file", "/dev/null", "x"),
        dir.resolve("null.out"));
    int denied = fixture.run("fuse", bundle("/" + parent + "/fuse", DENY_ALL, "write-file", "/dev/fuse", "x"),
        dir.resolve("fuse.out"));

    assertThat(Files.readString(dir.resolve("null.out")).trim()).isEqualTo("ok");
    assertThat(allowed).isZero();
    assertThat(Files.readString(dir.resolve("fuse.out")).trim()).isEqualTo("EPERM: Operation not permitted");
    assertThat(denied).isEqualTo(1);
    assertThat(unified.resolve(parent + "/fuse")).doesNotExist();
  }

  @Test
  void update_devices_replaceTheContainersFilter() throws IOException {
    TaskGrpc.TaskBlockingStub tasks = fixture.stub();
    Path cgroup = unified.resolve(parent + "/update");
    tasks.create(CreateTaskRequest.newBuilder().setId("update")
        .setBundle(bundle("/" + parent + "/update", DENY_ALL, "sleep", "60").toString()).build());
    tasks.start(StartRequest.newBuilder().setId("update").build());
    DevicePrograms programs = JnrPosix.load().devicePrograms();
    List<Integer> before = programs.attached(cgroup);

    tasks.update(UpdateTaskRequest.newBuilder().setId("update").setResources(Any.newBuilder()
        .setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/LinuxResources")
        .setValue(ByteString.copyFrom("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
            + "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rw\"}]}", StandardCharsets.UTF_8)))
        .build());

    assertThat(before).hasSize(1);
    assertThat(programs.attached(cgroup)).hasSize(1).doesNotContainAnyElementsOf(before);
    tasks.kill(KillRequest.newBuilder().setId("update").setSignal(9).build());
    tasks.wait(WaitRequest.newBuilder().setId("update").build());
    tasks.delete(DeleteRequest.newBuilder().setId("update").build());
  }

  private Path bundle(String cgroupsPath, String resources, String... args) throws IOException {
    String[] command = new String[args.length + 1];
    command[0] = Privileged.testbin().toString();
    System.arraycopy(args, 0, command, 1, args.length);
    return fixture.bundle(command).namespaces("pid").customize(c -> {
      try {
        c.with("linux").put("cgroupsPath", cgroupsPath).set("resources", new ObjectMapper().readTree(resources));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).write();
  }
}
