package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class StdinRelayTest {
  @TempDir
  Path tmp;

  private final AtomicInteger ends = new AtomicInteger();

  @Test
  void endOfInput_copiesEverythingClosesTargetThenRunsCallbackOnce() throws Exception {
    Path file = tmp.resolve("stdin");
    FileChannel target = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    byte[] input = "hello\nworld\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
    AtomicInteger openAtEnd = new AtomicInteger(-1);

    StdinRelay relay = StdinRelay.start(new ByteArrayInputStream(input), target, () -> {
      openAtEnd.set(target.isOpen() ? 1 : 0);
      ends.incrementAndGet();
    });

    assertThat(relay.await(Duration.ofSeconds(10))).isTrue();
    assertThat(Files.readAllBytes(file)).isEqualTo(input);
    assertThat(ends).hasValue(1);
    assertThat(openAtEnd).as("the FIFO is closed before CloseIO, so everything written reaches the process")
        .hasValue(0);
  }

  @Test
  void stop_beforeEndOfInput_closesTargetWithoutCallback() throws Exception {
    PipedOutputStream keys = new PipedOutputStream();
    PipedInputStream source = new PipedInputStream(keys);
    FileChannel target = FileChannel.open(tmp.resolve("stdin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    StdinRelay relay = StdinRelay.start(source, target, ends::incrementAndGet);

    relay.stop();
    keys.close();

    assertThat(relay.await(Duration.ofSeconds(10))).isTrue();
    assertThat(target.isOpen()).isFalse();
    assertThat(ends).hasValue(0);
  }

  @Test
  void stop_whileBlockedWritingFullFifo_unblocksTheCopy() throws Exception {
    Path fifo = tmp.resolve("stdin");
    RunStdio.mkfifo(fifo);
    // Read-write like ProcessStdio opens it: nobody reads, so the pipe fills and the write blocks.
    FileChannel target = new RandomAccessFile(fifo.toFile(), "rw").getChannel();
    StdinRelay relay = StdinRelay.start(new ByteArrayInputStream(new byte[1 << 20]), target, ends::incrementAndGet);
    assertThat(relay.await(Duration.ofMillis(200))).as("blocked on the full pipe").isFalse();

    relay.stop();

    assertThat(relay.await(Duration.ofSeconds(10))).isTrue();
    assertThat(ends).hasValue(0);
  }

  @Test
  void failingInput_endsLikeEndOfInput() throws Exception {
    FileChannel target = FileChannel.open(tmp.resolve("stdin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    StdinRelay relay = StdinRelay.start(new java.io.InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("input gone");
      }
    }, target, ends::incrementAndGet);

    assertThat(relay.await(Duration.ofSeconds(10))).isTrue();
    assertThat(target.isOpen()).isFalse();
    assertThat(ends).hasValue(1);
  }
}
