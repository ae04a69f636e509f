package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jshim.daemon.sys.JnrPosix;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.SysException;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.types.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Create's {@code rootfs} list: mounted on {@code <bundle>/rootfs} before the config is read, gone after Delete. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RootfsMountTest {
  @TempDir
  Path tmp;

  private Path dir;
  private Path snapshot;
  private DaemonFixture fixture;
  private TaskGrpc.TaskBlockingStub tasks;

  @BeforeEach
  void setUp() throws IOException {
    Privileged.assumeRoot();
    dir = tmp.toRealPath();
    snapshot = dir.resolve("snapshot");
    Files.createDirectories(snapshot.resolve("proc"));
    Files.createDirectories(snapshot.resolve("dev"));
    Files.copy(Privileged.testbin(), snapshot.resolve("jshim-testbin"));
    Files.writeString(snapshot.resolve("data.txt"), "old");
    fixture = DaemonFixture.start(dir);
    tasks = fixture.stub();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (fixture != null) {
      fixture.close();
    }
    // never leave a test's mount behind on the host, whatever failed
    if (dir == null) {
      return;
    }
    Posix posix = JnrPosix.load();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String target = line.split(" ")[4];
      if (target.startsWith(dir.toString())) {
        try {
          posix.unmount(target, Posix.MNT_DETACH);
        } catch (SysException alreadyGone) {
          // a parent's detach took it
        }
      }
    }
  }

  private Path bundle(String... args) throws IOException {
    Path bundle = fixture.bundle(args).namespaces("pid", "mount")
        .customize(config -> {
          config.putObject("root").put("path", "rootfs");
          // as containerd's default spec: the device nodes go on a tmpfs, the snapshot may be read-only
          com.fasterxml.jackson.databind.node.ObjectNode dev = config.putArray("mounts").addObject()
              .put("destination", "/dev").put("type", "tmpfs").put("source", "tmpfs");
          dev.putArray("options").add("nosuid").add("mode=755");
        }).write();
    Files.createDirectories(bundle.resolve("rootfs"));
    return bundle;
  }

  private static Mount mount(String type, String source, String... options) {
    return Mount.newBuilder().setType(type).setSource(source).addAllOptions(List.of(options)).build();
  }

  private void create(String id, Path bundle, Mount... rootfs) {
    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString())
        .setStdout(dir.resolve(id + ".out").toString()).addAllRootfs(List.of(rootfs)).build());
  }

  private int startWaitDelete(String id) {
    tasks.start(StartRequest.newBuilder().setId(id).build());
    int status = tasks.wait(WaitRequest.newBuilder().setId(id).build()).getExitStatus();
    tasks.delete(DeleteRequest.newBuilder().setId(id).build());
    return status;
  }

  private static boolean isMountPoint(Path path) throws IOException {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .anyMatch(line -> line.split(" ")[4].equals(path.toString()));
  }

  @Test
  void bind_containerRunsFromTheSnapshot_unmountedAtDelete() throws IOException {
    Path bundle = bundle("/jshim-testbin", "exit", "5");

    create("bind", bundle, mount("bind", snapshot.toString(), "rbind", "rw"));
    assertThat(isMountPoint(bundle.resolve("rootfs"))).as("mounted at Create").isTrue();
    int status = startWaitDelete("bind");

    assertThat(status).isEqualTo(5);
    assertThat(isMountPoint(bundle.resolve("rootfs"))).as("unmounted at Delete").isFalse();
    assertThat(snapshot.resolve("jshim-testbin")).as("the snapshot is intact").isRegularFile();
    assertThat(snapshot.resolve("data.txt")).hasContent("old");
  }

  @Test
  void missingRootfsDirectory_isCreated() throws IOException {
    Path bundle = bundle("/jshim-testbin", "exit", "0");
    Files.delete(bundle.resolve("rootfs"));

    create("mkdir", bundle, mount("bind", snapshot.toString(), "rbind"));

    assertThat(startWaitDelete("mkdir")).isZero();
    assertThat(Files.getPosixFilePermissions(bundle.resolve("rootfs")))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
  }

  @Test
  void overlay_writesGoToTheUpperDirectory() throws IOException {
    Path upper = Files.createDirectories(dir.resolve("upper"));
    Path work = Files.createDirectories(dir.resolve("work"));
    Path bundle = bundle("/jshim-testbin", "write-file", "/data.txt", "new");

    create("overlay", bundle, mount("overlay", "overlay", "workdir=" + work, "upperdir=" + upper, "lowerdir=" + snapshot));
    int status = startWaitDelete("overlay");

    assertThat(status).as(read("overlay.out")).isZero();
    assertThat(upper.resolve("data.txt")).hasContent("new");
    assertThat(snapshot.resolve("data.txt")).hasContent("old");
    assertThat(isMountPoint(bundle.resolve("rootfs"))).isFalse();
  }

  @Test
  void readOnlyBind_writesFailWithErofs() throws IOException {
    Path bundle = bundle("/jshim-testbin", "write-file", "/data.txt", "new");

    create("ro", bundle, mount("bind", snapshot.toString(), "rbind", "ro"));
    int status = startWaitDelete("ro");

    assertThat(status).isEqualTo(1);
    assertThat(read("ro.out")).startsWith("EROFS");
    assertThat(snapshot.resolve("data.txt")).hasContent("old");
    assertThat(isMountPoint(bundle.resolve("rootfs"))).isFalse();
  }

  @Test
  void loopOption_isInvalidArgument_nothingMounted() throws IOException {
    Path bundle = bundle("/jshim-testbin", "exit", "0");

    assertThatThrownBy(() -> create("loop", bundle, mount("bind", snapshot.toString(), "rbind"),
        mount("ext4", dir.resolve("layer.img").toString(), "loop")))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("rootfs mount 2 of 2").hasMessageContaining("loop");
    assertThat(isMountPoint(bundle.resolve("rootfs"))).isFalse();
  }

  @Test
  void kernelRefusal_namesTheMountAndErrno_earlierMountsUndone() throws IOException {
    Path bundle = bundle("/jshim-testbin", "exit", "0");

    assertThatThrownBy(() -> create("refused", bundle, mount("bind", snapshot.toString(), "rbind"),
        mount("bind", dir.resolve("no-such-dir").toString(), "rbind")))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION))
        .hasMessageContaining("rootfs mount 2 of 2").hasMessageContaining("No such file or directory");
    assertThat(isMountPoint(bundle.resolve("rootfs"))).isFalse();
  }

  @Test
  void duplicateId_isRefusedBeforeMounting_theLiveTaskKeepsItsRootfs() throws IOException {
    Path bundle = bundle("/jshim-testbin", "exit", "3");
    create("dup", bundle, mount("bind", snapshot.toString(), "rbind"));

    assertThatThrownBy(() -> create("dup", bundle, mount("bind", snapshot.toString(), "rbind")))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
    assertThat(isMountPoint(bundle.resolve("rootfs"))).as("the first task's rootfs").isTrue();
    assertThat(startWaitDelete("dup")).isEqualTo(3);
    assertThat(isMountPoint(bundle.resolve("rootfs"))).isFalse();
  }

  @Test
  void failedCreate_unmountsTheRootfs() throws IOException {
    Path bundle = bundle("/no-such-program");

    assertThatThrownBy(() -> create("missing", bundle, mount("bind", snapshot.toString(), "rbind")))
        .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("no-such-program");
    assertThat(isMountPoint(bundle.resolve("rootfs"))).isFalse();
    assertThat(snapshot.resolve("jshim-testbin")).isRegularFile();
  }

  private String read(String name) {
    try {
      return Files.readString(dir.resolve(name));
    } catch (IOException e) {
      return "(no " + name + ": " + e + ")";
    }
  }
}
