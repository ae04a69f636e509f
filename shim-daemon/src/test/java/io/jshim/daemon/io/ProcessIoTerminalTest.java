package io.jshim.daemon.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.sys.TestSys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A process with a terminal: the test plays the workload on a pty it opened itself. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessIoTerminalTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private IoFixture io;
  private TestSys.Pty pty;

  @BeforeEach
  void start() {
    io = new IoFixture(dir);
    pty = TestSys.openPty(io.posix);
  }

  @AfterEach
  void stop() {
    io.closeAll(pty.slave());
    io.close();
  }

  @Test
  void console_pumpedBothWays_outputReachesFileAndLogInputReachesTheSlave() throws Exception {
    Path stdin = io.fifo("stdin");
    Path stdout = io.file("console.log");
    Map<StreamName, ByteArrayOutputStream> logged = new ConcurrentHashMap<>();
    try (ProcessIo process = ProcessIo.open(new StdioPaths(stdin.toString(), stdout.toString(), "/nonexistent/stderr"),
        true, Optional.of(ProcessIoTest.collect(logged)), io.loop, io.posix)) {
      int[] fds = io.spawn(process);
      for (int fd : fds) {
        assertThat(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd))).hasToString("/dev/null");
      }
      io.closeAll(fds);
      process.attachConsole(pty.master());

      io.posix.write(pty.slave(), "hello\n".getBytes(StandardCharsets.US_ASCII));
      awaitContent(stdout, "hello\r\n");
      int writer = io.openWriter(stdin);
      try {
        io.posix.write(writer, "typed\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(io.read(pty.slave(), 6)).asString().isEqualTo("typed\n");
      } finally {
        io.closeAll(writer);
      }
      io.closeAll(pty.slave());

      assertThat(process.drained(Duration.ofMinutes(1))).succeedsWithin(WAIT);
      // the line discipline echoes what was typed
      assertThat(Files.readString(stdout)).isEqualTo("hello\r\ntyped\r\n");
      assertThat(logged.get(StreamName.STDOUT).toString(StandardCharsets.US_ASCII)).isEqualTo("hello\r\ntyped\r\n");
    }
  }

  @Test
  void resize_attachedConsole_slaveSeesColsAndRows() {
    try (ProcessIo process = ProcessIo.open(StdioPaths.none(), true, Optional.empty(), io.loop, io.posix)) {
      io.closeAll(io.spawn(process));
      process.attachConsole(pty.master());

      process.resize(100, 40);

      assertThat(TestSys.windowSize(pty.slave())).containsExactly(40, 100);
    }
  }

  @Test
  void resize_consoleNotAttachedYet_isAFailedPrecondition() {
    try (ProcessIo process = ProcessIo.open(StdioPaths.none(), true, Optional.empty(), io.loop, io.posix)) {
      assertThatThrownBy(() -> process.resize(80, 24))
          .isInstanceOfSatisfying(ShimException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION))
          .hasMessageContaining("not attached yet");
    } finally {
      io.closeAll(pty.master());
    }
  }

  @Test
  void closeStdin_writerStillOpen_slaveReadsEndOfFile() {
    Path stdin = io.fifo("stdin");
    try (ProcessIo process = ProcessIo.open(new StdioPaths(stdin.toString(), "", ""), true, Optional.empty(),
        io.loop, io.posix)) {
      io.closeAll(io.spawn(process));
      process.attachConsole(pty.master());
      int writer = io.openWriter(stdin);
      try {
        io.posix.write(writer, "line\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(io.read(pty.slave(), 5)).asString().isEqualTo("line\n");

        process.closeStdin();

        // ^D at the start of a line: a canonical-mode read returns 0
        assertThat(io.posix.read(pty.slave(), new byte[16], 0, 16, WAIT)).isZero();
      } finally {
        io.closeAll(writer);
      }
    }
  }

  @Test
  void closeStdin_beforeTheConsoleIsAttached_sendsEndOfFileOnAttach() {
    Path stdin = io.fifo("stdin");
    try (ProcessIo process = ProcessIo.open(new StdioPaths(stdin.toString(), "", ""), true, Optional.empty(),
        io.loop, io.posix)) {
      io.closeAll(io.spawn(process));

      process.closeStdin();
      process.attachConsole(pty.master());

      assertThat(io.posix.read(pty.slave(), new byte[16], 0, 16, WAIT)).isZero();
      assertThat(process.stdinPump()).isEmpty();
    }
  }

  @Test
  void attachConsole_withoutTerminal_isRefusedAndClosesTheFd() {
    try (ProcessIo process = ProcessIo.open(StdioPaths.none(), false, Optional.empty(), io.loop, io.posix)) {
      assertThatThrownBy(() -> process.attachConsole(pty.master()))
          .isInstanceOfSatisfying(ShimException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION))
          .hasMessageContaining("no terminal");
      assertThat(TestSys.isOpen(pty.master())).isFalse();
    }
  }

  @Test
  void close_withConsole_closesTheMasterAndItsCopies() throws Exception {
    long before = ProcessIoTest.openFds();
    ProcessIo process = ProcessIo.open(new StdioPaths(io.fifo("stdin").toString(), io.file("out").toString(), ""),
        true, Optional.empty(), io.loop, io.posix);
    io.closeAll(io.spawn(process));
    process.attachConsole(pty.master());

    process.close();

    // the master was open before this ProcessIo took it over
    assertThat(ProcessIoTest.openFds()).isEqualTo(before - 1);
    assertThat(TestSys.isOpen(pty.master())).isFalse();
  }

  private static void awaitContent(Path file, String expected) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!(Files.exists(file) && Files.readString(file).equals(expected)) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(Files.readString(file)).isEqualTo(expected);
  }
}
