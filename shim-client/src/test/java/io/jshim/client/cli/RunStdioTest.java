package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunStdioTest {
  @TempDir
  Path tmp;

  @ParameterizedTest
  @CsvSource({
    "pipe:[4242], true",
    "/dev/pts/3, true",
    "/dev/null, true",
    "socket:[77], false",
    "/tmp/out.log, false",
    "anon_inode:[eventfd], false",
    "'', false"
  })
  void opensDirectly_fdTarget_onlyPipesAndDevices(String target, boolean expected) {
    assertThat(RunStdio.opensDirectly(target)).isEqualTo(expected);
  }

  @Test
  @Timeout(10)
  void relay_writerClosesAfterRelease_copiesEverythingThenEnds() throws Exception {
    Path fifo = tmp.resolve("stdout");
    RunStdio.mkfifo(fifo);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();

    RunStdio.Relay relay = RunStdio.Relay.start(fifo, sink);
    try (FileOutputStream writer = new FileOutputStream(fifo.toFile())) {
      writer.write("hello\n".getBytes(StandardCharsets.UTF_8));
      relay.release();
      assertThat(relay.await(Duration.ofMillis(100))).as("open writer keeps the relay going").isFalse();
      writer.write("world\n".getBytes(StandardCharsets.UTF_8));
    }

    assertThat(relay.await(Duration.ofSeconds(5))).isTrue();
    assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("hello\nworld\n");
  }

  @Test
  @Timeout(10)
  void relay_releasedWithoutWriter_endsAtOnce() throws IOException, InterruptedException {
    Path fifo = tmp.resolve("stderr");
    RunStdio.mkfifo(fifo);

    RunStdio.Relay relay = RunStdio.Relay.start(fifo, new ByteArrayOutputStream());
    relay.release();

    assertThat(relay.await(Duration.ofSeconds(5))).isTrue();
  }
}
