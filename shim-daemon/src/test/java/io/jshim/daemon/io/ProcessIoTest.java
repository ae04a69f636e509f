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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessIoTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private IoFixture io;

  @BeforeEach
  void start() {
    io = new IoFixture(dir);
  }

  @AfterEach
  void stop() {
    io.close();
  }

  private ProcessIo open(StdioPaths paths, Optional<LogSink> log) {
    return ProcessIo.open(paths, false, log, io.loop);
  }

  @Test
  void open_fifoWithoutTerminalOrLog_processWritesStraightIntoTheFifo() {
    Path stdout = io.fifo("stdout");
    try (ProcessIo process = open(new StdioPaths("", stdout.toString(), ""), Optional.empty())) {
      int[] child = process.childFds();
      assertThat(TestSys.isNonBlocking(child[1])).as("the process's stdout blocks").isFalse();
      int[] fds = io.spawn(process);
      int reader = io.openReader(stdout);
      try {
        io.posix.write(fds[1], "straight".getBytes(StandardCharsets.US_ASCII));
        io.closeAll(fds);

        assertThat(io.readToEnd(reader)).asString().isEqualTo("straight");
        assertThat(process.outputPumps()).isEmpty();
        assertThat(process.drained(Duration.ofMinutes(1))).succeedsWithin(WAIT);
      } finally {
        io.closeAll(reader);
      }
    }
  }

  @Test
  void open_passThroughFifoWithoutReader_writerNeverGetsEpipe() {
    Path stdout = io.fifo("stdout");
    try (ProcessIo process = open(new StdioPaths("", stdout.toString(), ""), Optional.empty())) {
      int[] fds = io.spawn(process);
      int reader = io.openReader(stdout);
      io.closeAll(reader);

      io.posix.write(fds[1], "kept for later".getBytes(StandardCharsets.US_ASCII));
      io.closeAll(fds);

      int again = io.openReader(stdout);
      try {
        // no writer has come since this open, so poll reports no hang-up: read what is there, not to the end
        assertThat(io.read(again, 14)).asString().isEqualTo("kept for later");
      } finally {
        io.closeAll(again);
      }
    }
  }

  @Test
  void pump_fifoReaderGoesAwayAndComesBack_losesNothing() throws Exception {
    Path stdout = io.fifo("stdout");
    Map<StreamName, ByteArrayOutputStream> logged = new ConcurrentHashMap<>();
    try (ProcessIo process = open(new StdioPaths("", stdout.toString(), ""), Optional.of(collect(logged)))) {
      int[] fds = io.spawn(process);
      byte[] data = IoFixture.pattern(1024 * 1024, 5);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        io.posix.write(fds[1], data);
        io.closeAll(fds);
      });

      int first = io.openReader(stdout);
      byte[] head = io.read(first, 100_000);
      io.closeAll(first);
      Thread.sleep(300);
      assertThat(writer).as("nobody reads: the writer waits").isNotDone();
      int second = io.openReader(stdout);
      byte[] tail = io.readToEnd(second);
      io.closeAll(second);

      writer.get(10, TimeUnit.SECONDS);
      assertThat(IoFixture.concat(head, tail)).isEqualTo(data);
      assertThat(process.drained(Duration.ofMinutes(1))).succeedsWithin(WAIT);
      assertThat(logged.get(StreamName.STDOUT).toByteArray()).isEqualTo(data);
    }
  }

  @Test
  void pump_logAndFiles_logGetsEveryByteOnceTaggedByStream() throws Exception {
    Map<StreamName, ByteArrayOutputStream> logged = new ConcurrentHashMap<>();
    Path out = io.file("out.log");
    Path err = io.file("err.log");
    try (ProcessIo process = open(new StdioPaths("", out.toString(), "file://" + err), Optional.of(collect(logged)))) {
      int[] fds = io.spawn(process);
      byte[] stdout = IoFixture.pattern(200_000, 1);
      byte[] stderr = IoFixture.pattern(70_000, 2);

      io.posix.write(fds[1], stdout);
      io.posix.write(fds[2], stderr);
      io.closeAll(fds);

      assertThat(process.drained(Duration.ofMinutes(1))).succeedsWithin(WAIT);
      assertThat(logged.get(StreamName.STDOUT).toByteArray()).isEqualTo(stdout);
      assertThat(logged.get(StreamName.STDERR).toByteArray()).isEqualTo(stderr);
      assertThat(Files.readAllBytes(out)).isEqualTo(stdout);
      assertThat(Files.readAllBytes(err)).isEqualTo(stderr);
      assertThat(Files.getPosixFilePermissions(out)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    }
  }

  @Test
  void pump_logWithEmptyTargets_logStillGetsTheOutput() {
    Map<StreamName, ByteArrayOutputStream> logged = new ConcurrentHashMap<>();
    try (ProcessIo process = open(StdioPaths.none(), Optional.of(collect(logged)))) {
      int[] fds = io.spawn(process);

      io.posix.write(fds[2], "only the log".getBytes(StandardCharsets.US_ASCII));
      io.closeAll(fds);

      assertThat(process.drained(Duration.ofMinutes(1))).succeedsWithin(WAIT);
      assertThat(logged.get(StreamName.STDERR).toString(StandardCharsets.US_ASCII)).isEqualTo("only the log");
      assertThat(logged).doesNotContainKey(StreamName.STDOUT);
    }
  }

  @Test
  void stdin_fifoWriterComesAndGoes_processReadsItThenEndOfFile() {
    Path stdin = io.fifo("stdin");
    try (ProcessIo process = open(new StdioPaths(stdin.toString(), "", ""), Optional.empty())) {
      int[] fds = io.spawn(process);
      try {
        int writer = io.openWriter(stdin);
        io.posix.write(writer, "typed".getBytes(StandardCharsets.US_ASCII));
        io.closeAll(writer);

        assertThat(io.readToEnd(fds[0])).asString().isEqualTo("typed");
      } finally {
        io.closeAll(fds);
      }
    }
  }

  @Test
  void stdin_fifoNeverOpenedByAWriter_processSeesNoEndOfFile() throws Exception {
    Path stdin = io.fifo("stdin");
    try (ProcessIo process = open(new StdioPaths(stdin.toString(), "", ""), Optional.empty())) {
      int[] fds = io.spawn(process);
      try {
        Thread.sleep(200);
        assertThatThrownBy(() -> io.posix.read(fds[0], new byte[1], 0, 1, Duration.ofMillis(200)))
            .hasMessageContaining("timed out");
      } finally {
        io.closeAll(fds);
      }
    }
  }

  @Test
  void closeStdin_fifoWriterStillOpen_processGetsEndOfFile() {
    Path stdin = io.fifo("stdin");
    try (ProcessIo process = open(new StdioPaths(stdin.toString(), "", ""), Optional.empty())) {
      int[] fds = io.spawn(process);
      int writer = io.openWriter(stdin);
      try {
        io.posix.write(writer, "abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(io.read(fds[0], 3)).asString().isEqualTo("abc");

        process.closeStdin();
        process.closeStdin();

        assertThat(io.readToEnd(fds[0])).isEmpty();
      } finally {
        io.closeAll(writer);
        io.closeAll(fds);
      }
    }
  }

  @Test
  void closeStdin_stdinIsAFile_doesNothing() throws IOException {
    Path stdin = io.file("stdin.txt");
    Files.writeString(stdin, "from a file");
    try (ProcessIo process = open(new StdioPaths(stdin.toString(), "", ""), Optional.empty())) {
      int[] fds = io.spawn(process);
      try {
        process.closeStdin();

        assertThat(process.stdinPump()).isEmpty();
        assertThat(io.readToEnd(fds[0])).asString().isEqualTo("from a file");
      } finally {
        io.closeAll(fds);
      }
    }
  }

  @Test
  void drained_processAndChildStillHoldTheOutput_completesAfterTheIdleTime() {
    Map<StreamName, ByteArrayOutputStream> logged = new ConcurrentHashMap<>();
    try (ProcessIo process = open(StdioPaths.none(), Optional.of(collect(logged)))) {
      int[] fds = io.spawn(process);
      try {
        io.posix.write(fds[1], "still open".getBytes(StandardCharsets.US_ASCII));
        long start = System.nanoTime();

        CompletableFuture<Void> drained = process.drained(Duration.ofMillis(300));

        assertThat(drained).succeedsWithin(WAIT);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
        assertThat(logged.get(StreamName.STDOUT).toString(StandardCharsets.US_ASCII)).isEqualTo("still open");
      } finally {
        io.closeAll(fds);
      }
    }
  }

  @Test
  void drained_nobodyReadsAFullFifo_completesAfterTheIdleTime() throws Exception {
    Path stdout = io.fifo("stdout");
    try (ProcessIo process = open(new StdioPaths("", stdout.toString(), ""), Optional.of(collect(new ConcurrentHashMap<>())))) {
      int[] fds = io.spawn(process);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          io.posix.write(fds[1], new byte[1024 * 1024]);
        } catch (RuntimeException e) {
          // EPIPE once the ProcessIo is closed
        }
      });
      try {
        Thread.sleep(200);

        assertThat(process.drained(Duration.ofMillis(300))).succeedsWithin(WAIT);
        assertThat(writer).isNotDone();
      } finally {
        process.close();
        writer.get(10, TimeUnit.SECONDS);
        io.closeAll(fds);
      }
    }
  }

  @Test
  void drained_outputEnds_completesLongBeforeTheIdleTime() {
    try (ProcessIo process = open(StdioPaths.none(), Optional.of(collect(new ConcurrentHashMap<>())))) {
      int[] fds = io.spawn(process);

      io.closeAll(fds);

      assertThat(process.drained(Duration.ofHours(1))).succeedsWithin(WAIT);
    }
  }

  @Test
  void drained_nothingPumped_isCompleteAtOnce() {
    try (ProcessIo process = open(StdioPaths.none(), Optional.empty())) {
      int[] fds = io.spawn(process);
      try {
        assertThat(process.drained(Duration.ofHours(1))).isDone();
      } finally {
        io.closeAll(fds);
      }
    }
  }

  @Test
  void open_binaryUri_isRefusedNamingTheStream() {
    assertThatThrownBy(() -> open(new StdioPaths("", "", "binary:///usr/bin/logger"), Optional.empty()))
        .isInstanceOfSatisfying(ShimException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
        .hasMessageContaining("stderr: binary:///usr/bin/logger")
        .hasMessageContaining("expected:");
  }

  @Test
  void open_relativePath_isRefusedNamingTheStream() {
    assertThatThrownBy(() -> open(new StdioPaths("", "file://out.log", ""), Optional.empty()))
        .isInstanceOfSatisfying(ShimException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
        .hasMessageContaining("stdout: file://out.log")
        .hasMessageContaining("expected: an absolute path");
  }

  @Test
  void open_missingStdinFile_isRefusedAndLeavesNoFdOpen() throws IOException {
    Path stdout = io.fifo("stdout");
    long before = openFds();

    assertThatThrownBy(() -> open(new StdioPaths(io.file("missing").toString(), stdout.toString(), ""),
        Optional.of(collect(new ConcurrentHashMap<>()))))
        .isInstanceOfSatisfying(ShimException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
        .hasMessageContaining("cannot open stdin " + io.file("missing"));
    assertThat(openFds()).isEqualTo(before);
  }

  @Test
  void close_afterPumping_closesEveryFdItOpened() throws Exception {
    Path stdin = io.fifo("stdin");
    Path stdout = io.fifo("stdout");
    long before = openFds();
    ProcessIo process = open(new StdioPaths(stdin.toString(), stdout.toString(), io.file("err").toString()),
        Optional.of(collect(new ConcurrentHashMap<>())));
    int[] fds = io.spawn(process);
    io.posix.write(fds[1], "x".getBytes(StandardCharsets.US_ASCII));
    io.closeAll(fds);

    process.close();
    process.close();

    assertThat(openFds()).isEqualTo(before);
  }

  @Test
  void resize_withoutTerminal_isAFailedPrecondition() {
    try (ProcessIo process = open(StdioPaths.none(), Optional.empty())) {
      assertThatThrownBy(() -> process.resize(80, 24))
          .isInstanceOfSatisfying(ShimException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION))
          .hasMessageContaining("no terminal");
    }
  }

  static LogSink collect(Map<StreamName, ByteArrayOutputStream> logged) {
    return (stream, buf, offset, length) ->
        logged.computeIfAbsent(stream, s -> new ByteArrayOutputStream()).write(buf, offset, length);
  }

  static long openFds() throws IOException {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
