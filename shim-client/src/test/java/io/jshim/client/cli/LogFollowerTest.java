package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class LogFollowerTest {
  private static final Duration INTERVAL = Duration.ofMillis(10);

  @TempDir
  Path tmp;

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final LogFollower.Sink sink =
      (file, number, line) -> lines.add(file.getFileName() + ":" + number + ":" + line);

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private void awaitLines(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (lines.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(lines).hasSizeGreaterThanOrEqualTo(count);
  }

  @Test
  void readFile_lastLineWithoutNewline_isHandedOutToo() throws IOException {
    Path file = Files.writeString(tmp.resolve("c.log.1"), "one\ntwo\nthree");

    LogFollower.readFile(file, sink);

    assertThat(lines).containsExactly("c.log.1:1:one", "c.log.1:2:two", "c.log.1:3:three");
  }

  @Test
  void readFile_missingFile_hasNoLines() throws IOException {
    LogFollower.readFile(tmp.resolve("absent"), sink);

    assertThat(lines).isEmpty();
  }

  @Test
  void poll_lineWrittenInTwoSteps_handedOutOnceItsNewlineIsThere() throws IOException {
    Path log = tmp.resolve("c.log");
    append(log, "first\nsec");
    try (LogFollower follower = new LogFollower(log, sink)) {
      assertThat(follower.poll()).isTrue();
      assertThat(lines).containsExactly("c.log:1:first");

      assertThat(follower.poll()).isFalse();
      append(log, "ond\n");
      assertThat(follower.poll()).isTrue();

      assertThat(lines).containsExactly("c.log:1:first", "c.log:2:second");
    }
  }

  @Test
  void poll_fileMissingAtFirst_readsItOnceItAppears() throws IOException {
    Path log = tmp.resolve("c.log");
    try (LogFollower follower = new LogFollower(log, sink)) {
      assertThat(follower.poll()).isFalse();

      append(log, "late\n");

      assertThat(follower.poll()).isTrue();
      assertThat(lines).containsExactly("c.log:1:late");
    }
  }

  @Test
  void poll_truncatedInPlace_readsTheNewContentFromTheStart() throws IOException {
    Path log = tmp.resolve("c.log");
    append(log, "old line one\nold line two\n");
    try (LogFollower follower = new LogFollower(log, sink)) {
      follower.poll();

      Files.writeString(log, "new\n", StandardOpenOption.TRUNCATE_EXISTING);

      assertThat(follower.poll()).isTrue();
      follower.poll();
      assertThat(lines).containsExactly("c.log:1:old line one", "c.log:2:old line two", "c.log:1:new");
    }
  }

  @Test
  void follow_rotation_finishesOldFileThenReadsNewOneFromItsStartAndEndsWhenStopped() throws Exception {
    Path log = tmp.resolve("c.log");
    append(log, "1\n2\n");
    AtomicBoolean stopped = new AtomicBoolean();
    LogFollower follower = new LogFollower(log, sink);
    CompletableFuture<Void> following = CompletableFuture.runAsync(() -> {
      try (follower) {
        follower.follow(stopped::get, INTERVAL);
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    awaitLines(2);

    // As the daemon rotates: the last lines go to the old file, which is renamed away, and a new file starts.
    append(log, "3\n4");
    append(log, "\n");
    Files.move(log, tmp.resolve("c.log.1"));
    append(log, "5\n");
    awaitLines(5);
    append(log, "6\n");
    awaitLines(6);
    assertThat(following).isNotDone();
    stopped.set(true);
    append(log, "7 written as the task stopped\n");

    following.get(10, TimeUnit.SECONDS);
    assertThat(lines).containsExactly(
        "c.log:1:1", "c.log:2:2", "c.log:3:3", "c.log:4:4",
        "c.log:1:5", "c.log:2:6", "c.log:3:7 written as the task stopped");
  }

  @Test
  void follow_rotatedBeforeNewFileExists_waitsForIt() throws Exception {
    Path log = tmp.resolve("c.log");
    append(log, "a\n");
    AtomicBoolean stopped = new AtomicBoolean();
    LogFollower follower = new LogFollower(log, sink);
    CompletableFuture<Void> following = CompletableFuture.runAsync(() -> {
      try (follower) {
        follower.follow(stopped::get, INTERVAL);
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    awaitLines(1);

    append(log, "b\n");
    Files.move(log, tmp.resolve("c.log.1"));
    awaitLines(2);
    Thread.sleep(50);
    append(log, "c\n");
    awaitLines(3);
    stopped.set(true);

    following.get(10, TimeUnit.SECONDS);
    assertThat(lines).containsExactly("c.log:1:a", "c.log:2:b", "c.log:1:c");
  }

  @Test
  void follow_taskAlreadyStopped_readsEverythingAndEnds() throws Exception {
    Path log = tmp.resolve("c.log");
    append(log, "x\ny\nno newline");

    try (LogFollower follower = new LogFollower(log, sink)) {
      follower.follow(() -> true, INTERVAL);
    }

    assertThat(lines).containsExactly("c.log:1:x", "c.log:2:y", "c.log:3:no newline");
  }
}
