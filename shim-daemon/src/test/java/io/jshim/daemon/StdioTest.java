package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.jshim.proto.task.v2.CloseIORequest;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.ExecProcessRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.ResizePtyRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** stdio as containerd passes it: FIFOs, CloseIO, readers that come and go, terminals. */
@Tag("privileged")
// a FIFO open blocks in native code, which only a separate thread can time out
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StdioTest {
  @TempDir
  Path dir;

  private DaemonFixture fixture;
  private TaskGrpc.TaskBlockingStub tasks;

  @BeforeEach
  void startDaemon() throws IOException {
    Privileged.assumeRoot();
    fixture = DaemonFixture.start(dir);
    Files.createDirectories(dir.resolve("logs"));
    tasks = fixture.stub();
  }

  @AfterEach
  void stopDaemon() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private String testbin() {
    return Privileged.testbin().toString();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void closeIO_stdinFifoWriterStillOpen_processSeesEndOfInput(boolean withLog) throws Exception {
    Path in = Fifos.make(dir.resolve("in"));
    Path out = Fifos.make(dir.resolve("out"));
    DaemonFixture.BundleBuilder bundle = fixture.bundle(testbin(), "cat").namespaces("pid");
    if (withLog) {
      bundle.customize(c -> c.putObject("annotations").put("io.jshim.log.path", dir.resolve("logs/cat.log").toString()));
    }
    tasks.create(CreateTaskRequest.newBuilder().setId("cat").setBundle(bundle.write().toString())
        .setStdin(in.toString()).setStdout(out.toString()).build());
    tasks.start(StartRequest.newBuilder().setId("cat").build());

    try (FileOutputStream writer = new FileOutputStream(in.toFile()); InputStream reader = new FileInputStream(out.toFile())) {
      writer.write("hello\n".getBytes(StandardCharsets.UTF_8));
      writer.flush();
      assertThat(new String(readExactly(reader, 6), StandardCharsets.UTF_8)).isEqualTo("hello\n");

      tasks.closeIO(CloseIORequest.newBuilder().setId("cat").setStdin(true).build());

      assertThat(tasks.wait(WaitRequest.newBuilder().setId("cat").build()).getExitStatus()).isZero();
    }
    if (withLog) {
      assertThat(Files.readString(dir.resolve("logs/cat.log"))).matches("\\S+Z stdout F hello\\n");
    }
  }

  @Test
  void stdinFifo_writerCloses_processSeesEndOfInput() throws Exception {
    Path in = Fifos.make(dir.resolve("in"));
    Path out = dir.resolve("out.txt");
    Path bundle = fixture.bundle(testbin(), "read-lines").namespaces("pid").write();
    tasks.create(CreateTaskRequest.newBuilder().setId("lines").setBundle(bundle.toString())
        .setStdin(in.toString()).setStdout(out.toString()).build());
    tasks.start(StartRequest.newBuilder().setId("lines").build());

    try (FileOutputStream writer = new FileOutputStream(in.toFile())) {
      writer.write("one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8));
    }

    assertThat(tasks.wait(WaitRequest.newBuilder().setId("lines").build()).getExitStatus()).isZero();
    assertThat(Files.readString(out).trim()).isEqualTo("lines=3 bytes=14");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void stdoutFifo_readerGoesAwayAndReturns_nothingIsLost(boolean withLog) throws Exception {
    int total = 300_000;
    Path out = Fifos.make(dir.resolve("out"));
    DaemonFixture.BundleBuilder bundle = fixture.bundle(testbin(), "flood", Integer.toString(total)).namespaces("pid");
    if (withLog) {
      bundle.customize(c -> c.putObject("annotations").put("io.jshim.log.path", dir.resolve("logs/flood.log").toString()));
    }
    tasks.create(CreateTaskRequest.newBuilder().setId("flood").setBundle(bundle.write().toString())
        .setStdout(out.toString()).build());
    tasks.start(StartRequest.newBuilder().setId("flood").build());
    ByteArrayOutputStream received = new ByteArrayOutputStream();

    try (InputStream first = new FileInputStream(out.toFile())) {
      received.write(readExactly(first, 1000));
    }
    Thread.sleep(300);
    assertThat(tasks.state(StateRequest.newBuilder().setId("flood").build()).getStatus())
        .as("the writer blocks while nobody reads").isEqualTo(io.jshim.proto.types.task.Status.RUNNING);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
        () -> fixture.stub().wait(WaitRequest.newBuilder().setId("flood").build()).getExitStatus());
    try (InputStream second = new FileInputStream(out.toFile())) {
      while (received.size() < total) {
        byte[] chunk = new byte[65536];
        int n = second.read(chunk, 0, Math.min(chunk.length, total - received.size()));
        if (n < 0) {
          break;
        }
        received.write(chunk, 0, n);
      }
    }

    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(received.size()).isEqualTo(total);
    String text = received.toString(StandardCharsets.US_ASCII);
    assertThat(text.lines().limit(total / 64)).allSatisfy(line -> assertThat(line).hasSize(63));
  }

  @Test
  void wait_outputPumpedToAFile_returnsOnlyAfterTheLastByteIsWritten() throws Exception {
    Path out = dir.resolve("out.txt");
    Path bundle = fixture.bundle(testbin(), "flood", "2000000").namespaces("pid")
        .customize(c -> c.putObject("annotations").put("io.jshim.log.path", dir.resolve("logs/drain.log").toString()))
        .write();
    tasks.create(CreateTaskRequest.newBuilder().setId("drain").setBundle(bundle.toString()).setStdout(out.toString()).build());
    tasks.start(StartRequest.newBuilder().setId("drain").build());

    tasks.wait(WaitRequest.newBuilder().setId("drain").build());

    assertThat(Files.size(out)).isEqualTo(2_000_000);
  }

  @Test
  void terminal_initProcess_seesATtyAndAResize() throws Exception {
    Path in = Fifos.make(dir.resolve("in"));
    Path out = Fifos.make(dir.resolve("out"));
    Path bundle = fixture.bundle(testbin(), "sigwinch", "20").namespaces("pid").write();
    tasks.create(CreateTaskRequest.newBuilder().setId("tty").setBundle(bundle.toString()).setTerminal(true)
        .setStdin(in.toString()).setStdout(out.toString()).build());
    try (InputStream reader = new FileInputStream(out.toFile())) {
      int pid = tasks.start(StartRequest.newBuilder().setId("tty").build()).getPid();
      awaitSignalHandler(pid, 28);

      tasks.resizePty(ResizePtyRequest.newBuilder().setId("tty").setWidth(100).setHeight(40).build());

      assertThat(tasks.wait(WaitRequest.newBuilder().setId("tty").build()).getExitStatus()).isZero();
      assertThat(new String(readExactly(reader, 8), StandardCharsets.UTF_8)).isEqualTo("40 100\r\n");
    }
    assertThat(tasks.state(StateRequest.newBuilder().setId("tty").build()).getTerminal()).isTrue();
  }

  @Test
  void terminal_exec_getsItsOwnTty() throws Exception {
    Path bundle = fixture.bundle(testbin(), "sleep", "60").namespaces("pid").write();
    tasks.create(CreateTaskRequest.newBuilder().setId("box").setBundle(bundle.toString()).build());
    tasks.start(StartRequest.newBuilder().setId("box").build());
    Path out = Fifos.make(dir.resolve("exec-out"));
    tasks.exec(ExecProcessRequest.newBuilder().setId("box").setExecId("t").setTerminal(true).setStdout(out.toString())
        .setSpec(Any.newBuilder().setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/Process")
            .setValue(ByteString.copyFromUtf8("{\"args\":[\"" + testbin() + "\",\"tty\"],\"cwd\":\"/\"}"))).build());

    // an exec's FIFOs are opened at its Start: the reader opens read-write, as containerd's client does, so that
    // its open does not wait for that writer
    try (RandomAccessFile reader = new RandomAccessFile(out.toFile(), "rw")) {
      tasks.start(StartRequest.newBuilder().setId("box").setExecId("t").build());
      assertThat(tasks.wait(WaitRequest.newBuilder().setId("box").setExecId("t").build()).getExitStatus()).isZero();
      byte[] tty = new byte[9];
      reader.readFully(tty);
      assertThat(new String(tty, StandardCharsets.UTF_8)).isEqualTo("/dev/pts/");
    }
    tasks.kill(KillRequest.newBuilder().setId("box").setSignal(9).build());
  }

  @Test
  void terminal_execWithConsoleSize_sizedBeforeTheProgramRuns() throws Exception {
    Path bundle = fixture.bundle(testbin(), "sleep", "60").namespaces("pid").write();
    tasks.create(CreateTaskRequest.newBuilder().setId("sized").setBundle(bundle.toString()).build());
    tasks.start(StartRequest.newBuilder().setId("sized").build());
    Path out = Fifos.make(dir.resolve("sized-out"));
    tasks.exec(ExecProcessRequest.newBuilder().setId("sized").setExecId("w").setTerminal(true).setStdout(out.toString())
        .setSpec(Any.newBuilder().setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/Process")
            .setValue(ByteString.copyFromUtf8("{\"args\":[\"" + testbin() + "\",\"winsize\"],\"cwd\":\"/\","
                + "\"consoleSize\":{\"height\":30,\"width\":120}}"))).build());

    try (RandomAccessFile reader = new RandomAccessFile(out.toFile(), "rw")) {
      tasks.start(StartRequest.newBuilder().setId("sized").setExecId("w").build());
      assertThat(tasks.wait(WaitRequest.newBuilder().setId("sized").setExecId("w").build()).getExitStatus()).isZero();
      byte[] size = new byte[8];
      reader.readFully(size);
      assertThat(new String(size, StandardCharsets.UTF_8)).isEqualTo("30 120\r\n");
    }
    tasks.kill(KillRequest.newBuilder().setId("sized").setSignal(9).build());
  }

  @Test
  void resizePty_withoutTerminal_failedPrecondition() throws IOException {
    Path bundle = fixture.bundle(testbin(), "sleep", "60").namespaces("pid").write();
    tasks.create(CreateTaskRequest.newBuilder().setId("plain").setBundle(bundle.toString()).build());

    assertThatThrownBy(() -> tasks.resizePty(ResizePtyRequest.newBuilder().setId("plain").setWidth(80).setHeight(24).build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    tasks.delete(DeleteRequest.newBuilder().setId("plain").build());
  }

  /** Reads exactly {@code n} bytes (InputStream.readNBytes seeks, which a FIFO refuses on JDK 17). */
  private static byte[] readExactly(InputStream in, int n) throws IOException {
    byte[] buf = new byte[n];
    int done = 0;
    while (done < n) {
      int r = in.read(buf, done, n - done);
      if (r < 0) {
        throw new IOException("end of file after " + done + " of " + n + " bytes");
      }
      done += r;
    }
    return buf;
  }

  /** Waits until {@code pid} catches {@code signal} (its handler is in place), so a signal sent now is not lost. */
  private static void awaitSignalHandler(int pid, int signal) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("SigCgt:") && (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (signal - 1))) != 0) {
          return;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("pid " + pid + " never installed a handler for signal " + signal);
  }
}
