package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.v1.ContainerLogsGrpc;
import io.jshim.proto.v1.LogInfo;
import io.jshim.proto.v1.LogRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A task's container log: CRI lines, rotation, the path rules, Describe and Reopen. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContainerLogTaskTest {
  private static final String LINE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z (stdout|stderr) [PF] .*";

  @TempDir
  Path dir;

  private DaemonFixture fixture;
  private TaskGrpc.TaskBlockingStub tasks;
  private Path logs;

  @BeforeEach
  void startDaemon() throws IOException {
    Privileged.assumeRoot();
    fixture = DaemonFixture.start(dir);
    logs = Files.createDirectories(dir.resolve("logs"));
    tasks = fixture.stub();
  }

  @AfterEach
  void stopDaemon() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void log_linesAndPartialLine_writtenInCriFormat() throws IOException {
    Path log = logs.resolve("pod/print.log");
    Path bundle = withLog(fixture.bundle(testbin(), "print", "one\\ntwo\\nthr"), Map.of("io.jshim.log.path", log.toString()));

    assertThat(fixture.run("print", bundle, dir.resolve("out"))).isZero();

    List<String> lines = Files.readAllLines(log);
    assertThat(lines).allSatisfy(line -> assertThat(line).matches(LINE));
    assertThat(lines.stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList())
        .containsExactly("stdout F one", "stdout F two", "stdout P thr");
    assertThat(Files.readString(dir.resolve("out"))).as("the stdout file gets the raw bytes").isEqualTo("one\ntwo\nthr");
  }

  @Test
  void log_stderrToo_taggedStderr() throws IOException {
    Path log = logs.resolve("err.log");
    Path bundle = withLog(fixture.bundle(testbin(), "stderr", "oops"), Map.of("io.jshim.log.path", log.toString()));

    assertThat(fixture.run("err", bundle, dir.resolve("out"), dir.resolve("err"))).isZero();

    // the program may write the word and the newline separately: a P piece, then the F that ends the line
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).allSatisfy(line -> assertThat(line).matches("\\S+ stderr [PF] .*"));
    assertThat(lines.get(lines.size() - 1)).matches("\\S+ stderr F .*");
    assertThat(lines.stream().map(l -> l.split(" ", 4)[3]).reduce("", String::concat)).isEqualTo("oops");
  }

  @Test
  void log_outputAboveTheSizeLimit_rotatedKeepingMaxFiles() throws IOException {
    Path log = logs.resolve("flood.log");
    Path bundle = withLog(fixture.bundle(testbin(), "flood", "100000"), Map.of("io.jshim.log.path", log.toString(),
        "io.jshim.log.max-size", "8Ki", "io.jshim.log.max-files", "3"));

    assertThat(fixture.run("flood", bundle, dir.resolve("out"))).isZero();

    try (var files = Files.list(logs)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("flood.log", "flood.log.1", "flood.log.2");
    }
    for (String name : List.of("flood.log", "flood.log.1", "flood.log.2")) {
      assertThat(Files.size(logs.resolve(name))).as(name).isLessThanOrEqualTo(8192);
      assertThat(Files.readAllLines(logs.resolve(name))).allSatisfy(line -> assertThat(line).matches(LINE));
    }
    assertThat(Files.size(dir.resolve("out"))).isEqualTo(100000);
  }

  @Test
  void create_logPathWithDotDotOrSymlink_refusedAndNothingWritten() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createSymbolicLink(logs.resolve("link"), outside);
    Path dotdot = withLog(fixture.bundle(testbin(), "exit", "0"), Map.of("io.jshim.log.path", logs + "/../outside/x.log"));
    Path symlinked = withLog(fixture.bundle(testbin(), "exit", "0"), Map.of("io.jshim.log.path", logs + "/link/x.log"));

    for (Path bundle : List.of(dotdot, symlinked)) {
      assertThatThrownBy(() -> tasks.create(CreateTaskRequest.newBuilder().setId("bad").setBundle(bundle.toString()).build()))
          .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
    try (var files = Files.list(outside)) {
      assertThat(files.toList()).isEmpty();
    }
  }

  @Test
  void describeAndReopen_afterTheFileWasMovedAway_newFileAtThePath() throws Exception {
    Path log = logs.resolve("keep.log");
    Path bundle = withLog(fixture.bundle(testbin(), "sleep", "60"), Map.of("io.jshim.log.path", log.toString(),
        "io.jshim.log.max-files", "2"));
    tasks.create(CreateTaskRequest.newBuilder().setId("keep").setBundle(bundle.toString()).build());
    ContainerLogsGrpc.ContainerLogsBlockingStub logsApi = ContainerLogsGrpc.newBlockingStub(fixture.channel());

    LogInfo info = logsApi.describe(LogRequest.newBuilder().setId("keep").build());
    Files.move(log, logs.resolve("moved.log"));
    logsApi.reopen(LogRequest.newBuilder().setId("keep").build());

    assertThat(info.getPath()).isEqualTo(log.toString());
    assertThat(info.getMaxSize()).isEqualTo(10L * 1024 * 1024);
    assertThat(info.getMaxFiles()).isEqualTo(2);
    assertThat(log).exists();
    assertThatThrownBy(() -> logsApi.describe(LogRequest.newBuilder().setId("nosuch").build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  private String testbin() {
    return Privileged.testbin().toString();
  }

  private static Path withLog(DaemonFixture.BundleBuilder bundle, Map<String, String> annotations) throws IOException {
    return bundle.namespaces("pid").customize(c -> {
      var node = c.putObject("annotations");
      annotations.forEach(node::put);
    }).write();
  }
}
