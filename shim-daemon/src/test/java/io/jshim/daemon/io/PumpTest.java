package io.jshim.daemon.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.TestSys;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PumpTest {
  private static final int BUFFER = 32 * 1024;

  @TempDir
  Path dir;

  private IoFixture io;
  private final List<Integer> fds = new ArrayList<>();

  @AfterEach
  void close() {
    fds.forEach(io.posix::closeQuietly);
    io.close();
  }

  private IoFixture io() {
    if (io == null) {
      io = new IoFixture(dir);
    }
    return io;
  }

  private int[] pipe() {
    int[] pipe = io().posix.pipe();
    fds.add(pipe[0]);
    fds.add(pipe[1]);
    return pipe;
  }

  private Pump start(int source, List<Sink> sinks) {
    io().posix.setNonBlocking(source, true);
    Pump pump = new Pump("test", io.loop, io.posix, source, true, sinks, BUFFER);
    io.loop.execute(pump::start);
    return pump;
  }

  @Test
  void pump_fifoWithoutReader_holdsAtMostOneBufferAndBlocksTheWriter() throws Exception {
    Posix posix = io().posix;
    int[] source = pipe();
    FifoOpener.OutputFifo fifo = FifoOpener.openOutput(posix, io.fifo("out").toString(), false);
    fds.add(fifo.keepFd());
    Pump pump = start(source[0], List.of(new Sink.Stream(posix, fifo.writeFd(), "fifo")));
    int total = 4 * 1024 * 1024;
    byte[] data = IoFixture.pattern(total, 3);
    AtomicLong written = new AtomicLong();
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      for (int at = 0; at < total; at += 65536) {
        posix.write(source[1], java.util.Arrays.copyOfRange(data, at, at + 65536));
        written.addAndGet(65536);
      }
      posix.close(source[1]);
    });

    long stalledAt = awaitStall(written);
    assertThat(writer).isNotDone();
    // the source pipe, the one buffer and the FIFO hold it all: nothing else grows
    assertThat(stalledAt).isLessThan(1024 * 1024);
    assertThat(pump.bytesIn() - pump.bytesOut()).isBetween(0L, (long) BUFFER);
    Thread.sleep(200);
    assertThat(written.get()).isEqualTo(stalledAt);

    int reader = io.openReader(io.file("out"));
    fds.add(reader);
    byte[] got = io.readToEnd(reader);

    writer.get(10, TimeUnit.SECONDS);
    assertThat(got).isEqualTo(data);
    assertThat(pump.done()).succeedsWithin(java.time.Duration.ofSeconds(5));
  }

  @Test
  void pump_oneSinkLosesItsReader_dropsItAndGoesOnWithTheOther() throws Exception {
    Posix posix = io().posix;
    int[] source = pipe();
    int[] lost = pipe();
    int[] kept = pipe();
    posix.setNonBlocking(lost[1], true);
    posix.setNonBlocking(kept[1], true);
    fds.remove(Integer.valueOf(lost[1]));
    fds.remove(Integer.valueOf(kept[1]));
    Pump pump = start(source[0], List.of(new Sink.Stream(posix, lost[1], "lost"), new Sink.Stream(posix, kept[1], "kept")));

    posix.write(source[1], "one".getBytes());
    assertThat(io.read(lost[0], 3)).isEqualTo("one".getBytes());
    posix.close(lost[0]);
    posix.write(source[1], "two".getBytes());
    posix.close(source[1]);

    assertThat(io.readToEnd(kept[0])).isEqualTo("onetwo".getBytes());
    assertThat(pump.done()).succeedsWithin(java.time.Duration.ofSeconds(5));
  }

  @Test
  void pump_sourceEnds_closesTheSinksAndCompletesDone() {
    Posix posix = io().posix;
    int[] source = pipe();
    int[] sink = pipe();
    posix.setNonBlocking(sink[1], true);
    fds.remove(Integer.valueOf(sink[1]));
    Pump pump = start(source[0], List.of(new Sink.Stream(posix, sink[1], "sink")));

    posix.write(source[1], "last words".getBytes());
    posix.close(source[1]);

    assertThat(io.readToEnd(sink[0])).isEqualTo("last words".getBytes());
    assertThat(pump.done()).succeedsWithin(java.time.Duration.ofSeconds(5));
    assertThat(pump.bytesOut()).isEqualTo(10);
  }

  @Test
  void pump_logSinkThrows_dropsTheLogAndGoesOn() {
    Posix posix = io().posix;
    int[] source = pipe();
    int[] sink = pipe();
    posix.setNonBlocking(sink[1], true);
    fds.remove(Integer.valueOf(sink[1]));
    LogSink broken = (stream, buf, offset, length) -> {
      throw new IllegalStateException("log is broken");
    };
    start(source[0], List.of(new Sink.Log(broken, StreamName.STDOUT), new Sink.Stream(posix, sink[1], "sink")));

    posix.write(source[1], "a".getBytes());
    assertThat(io.read(sink[0], 1)).isEqualTo("a".getBytes());
    posix.write(source[1], "b".getBytes());
    posix.close(source[1]);

    assertThat(io.readToEnd(sink[0])).isEqualTo("b".getBytes());
  }

  @Test
  void pump_regularFileSource_copiesItAllToAFileAndAStream() throws Exception {
    Posix posix = io().posix;
    byte[] data = IoFixture.pattern(300_000, 9);
    java.nio.file.Files.write(io.file("in"), data);
    int source = posix.open(io.file("in").toString(), Posix.O_RDONLY, 0);
    int file = posix.open(io.file("copy").toString(), Posix.O_WRONLY | Posix.O_CREAT | Posix.O_APPEND, 0600);
    int[] sink = pipe();
    posix.setNonBlocking(sink[1], true);
    fds.remove(Integer.valueOf(sink[1]));
    Pump pump = new Pump("file", io.loop, posix, source, false,
        List.of(new Sink.RegularFile(posix, file, "copy"), new Sink.Stream(posix, sink[1], "sink")), BUFFER);
    io.loop.execute(pump::start);

    ByteArrayOutputStream got = new ByteArrayOutputStream();
    got.write(io.readToEnd(sink[0]));

    assertThat(pump.done()).succeedsWithin(java.time.Duration.ofSeconds(5));
    assertThat(got.toByteArray()).isEqualTo(data);
    assertThat(java.nio.file.Files.readAllBytes(io.file("copy"))).isEqualTo(data);
  }

  @Test
  void stop_beforeStart_closesTheSourceAndTheSinks() throws Exception {
    Posix posix = io().posix;
    int[] source = pipe();
    int[] sink = pipe();
    fds.remove(Integer.valueOf(source[0]));
    fds.remove(Integer.valueOf(sink[1]));
    Pump pump = new Pump("test", io.loop, posix, source[0], true, List.of(new Sink.Stream(posix, sink[1], "sink")), BUFFER);

    io.loop.submit(pump::stop).get(5, TimeUnit.SECONDS);

    assertThat(TestSys.isOpen(source[0])).isFalse();
    assertThat(TestSys.isOpen(sink[1])).isFalse();
    assertThat(pump.done()).isDone();
  }

  /** Waits until {@code counter} has not moved for 300 ms; returns its value. */
  private static long awaitStall(AtomicLong counter) throws InterruptedException {
    long last = -1;
    while (true) {
      Thread.sleep(300);
      long now = counter.get();
      if (now == last) {
        return now;
      }
      last = now;
    }
  }
}
