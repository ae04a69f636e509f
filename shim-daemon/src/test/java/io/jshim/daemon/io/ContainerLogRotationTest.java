package io.jshim.daemon.io;

import static io.jshim.daemon.io.ContainerLogTest.TS;
import static io.jshim.daemon.io.ContainerLogTest.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ContainerLogRotationTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse(TS), ZoneOffset.UTC);
  private static final int MAX_SIZE = 4096;
  /** Timestamp, space, stream, space, tag, space, newline. */
  private static final int OVERHEAD = TS.length() + 1 + 6 + 1 + 1 + 1 + 1;

  @TempDir
  Path tmp;

  private Path root;
  private Path path;

  @BeforeEach
  void dirs() throws IOException {
    root = Files.createDirectory(tmp.resolve("logs"));
    path = root.resolve("pod/c.log");
  }

  @Test
  void write_pastMaxSize_keepsMaxFilesEachWithinLimitAndTheirConcatenationIsTheTailOfWhatWasWritten() throws IOException {
    StringBuilder all = new StringBuilder();
    try (ContainerLog log = ContainerLog.open(new LogSpec(path, MAX_SIZE, 3), root, CLOCK)) {
      for (int i = 0; i < 1000; i++) {
        String text = "line " + i + " " + "z".repeat(i % 61);
        write(log, StreamName.STDOUT, text + "\n");
        all.append(TS).append(" stdout F ").append(text).append('\n');
      }
    }

    assertThat(logFiles()).containsExactlyInAnyOrder("c.log", "c.log.1", "c.log.2");
    String kept = read(LogPaths.rotated(path, 2)) + read(LogPaths.rotated(path, 1)) + read(path);
    assertThat(all.toString()).endsWith(kept);
    assertThat(kept).startsWith(TS + " stdout F line ");
    for (Path file : List.of(path, LogPaths.rotated(path, 1), LogPaths.rotated(path, 2))) {
      assertThat(Files.size(file)).as("size of %s", file).isLessThanOrEqualTo(MAX_SIZE);
    }
    for (Path rotated : List.of(LogPaths.rotated(path, 1), LogPaths.rotated(path, 2))) {
      // rotated only when the next record did not fit: a record is at most OVERHEAD + 10 + 60 bytes
      assertThat(Files.size(rotated)).as("size of %s", rotated).isGreaterThan(MAX_SIZE - (OVERHEAD + 70));
    }
  }

  @Test
  void write_recordExactlyFillingTheFile_noRotationUntilTheNextRecord() throws IOException {
    String text = "y".repeat(MAX_SIZE - OVERHEAD);
    try (ContainerLog log = ContainerLog.open(new LogSpec(path, MAX_SIZE, 2), root, CLOCK)) {
      write(log, StreamName.STDOUT, text + "\n");

      assertThat(Files.size(path)).isEqualTo(MAX_SIZE);
      assertThat(logFiles()).containsExactly("c.log");

      write(log, StreamName.STDOUT, "next\n");
    }

    assertThat(read(LogPaths.rotated(path, 1))).isEqualTo(TS + " stdout F " + text + "\n");
    assertThat(read(path)).isEqualTo(TS + " stdout F next\n");
  }

  @Test
  void write_lineLongerThanMaxSize_splitIntoPartialPiecesThatEachFitAndEndWithFull() throws IOException {
    String line = randomText(10_000);
    try (ContainerLog log = ContainerLog.open(new LogSpec(path, MAX_SIZE, 5), root, CLOCK)) {
      write(log, StreamName.STDERR, line + "\n");
    }

    int piece = MAX_SIZE - OVERHEAD;
    assertThat(logFiles()).containsExactlyInAnyOrder("c.log", "c.log.1", "c.log.2");
    assertThat(read(LogPaths.rotated(path, 2))).isEqualTo(TS + " stderr P " + line.substring(0, piece) + "\n");
    assertThat(read(LogPaths.rotated(path, 1))).isEqualTo(TS + " stderr P " + line.substring(piece, 2 * piece) + "\n");
    assertThat(read(path)).isEqualTo(TS + " stderr F " + line.substring(2 * piece) + "\n");
    assertThat(Files.size(LogPaths.rotated(path, 2))).isEqualTo(MAX_SIZE);
  }

  @Test
  void write_unterminatedFragmentLongerThanMaxSize_allPiecesPartial() throws IOException {
    String fragment = "q".repeat(MAX_SIZE * 2);
    try (ContainerLog log = ContainerLog.open(new LogSpec(path, MAX_SIZE, 5), root, CLOCK)) {
      write(log, StreamName.STDOUT, fragment);
    }

    List<String> tags = new ArrayList<>();
    StringBuilder joined = new StringBuilder();
    for (Path file : List.of(LogPaths.rotated(path, 2), LogPaths.rotated(path, 1), path)) {
      for (Matcher m : records(read(file))) {
        tags.add(m.group(3));
        joined.append(m.group(4));
      }
    }
    assertThat(tags).containsExactly("P", "P", "P");
    assertThat(joined.toString()).isEqualTo(fragment);
  }

  @Test
  void write_maxFilesOne_currentFileReplacedByAnEmptyOne() throws IOException {
    try (ContainerLog log = ContainerLog.open(new LogSpec(path, MAX_SIZE, 1), root, CLOCK)) {
      for (int i = 0; i < 200; i++) {
        write(log, StreamName.STDOUT, "entry " + i + " " + "w".repeat(40) + "\n");
      }
    }

    assertThat(logFiles()).containsExactly("c.log");
    String content = read(path);
    assertThat(content).endsWith(TS + " stdout F entry 199 " + "w".repeat(40) + "\n");
    List<Matcher> records = records(content);
    int first = Integer.parseInt(records.get(0).group(4).split(" ")[1]);
    assertThat(records).as("entries %d to 199 without gaps", first).hasSize(200 - first);
    assertThat(Files.size(path)).isLessThanOrEqualTo(MAX_SIZE);
  }

  @Test
  void write_existingFileAlreadyFull_rotatedBeforeTheFirstRecord() throws IOException {
    Files.createDirectories(path.getParent());
    Files.writeString(path, "x".repeat(MAX_SIZE - 10) + "\n");
    try (ContainerLog log = ContainerLog.open(new LogSpec(path, MAX_SIZE, 2), root, CLOCK)) {
      write(log, StreamName.STDOUT, "fresh\n");
    }

    assertThat(read(LogPaths.rotated(path, 1))).isEqualTo("x".repeat(MAX_SIZE - 10) + "\n");
    assertThat(read(path)).isEqualTo(TS + " stdout F fresh\n");
  }

  @Test
  void write_gapInRotatedNumbering_rotationStillKeepsMaxFiles() throws IOException {
    Files.createDirectories(path.getParent());
    Files.writeString(LogPaths.rotated(path, 2), "old 2\n");
    try (ContainerLog log = ContainerLog.open(new LogSpec(path, MAX_SIZE, 3), root, CLOCK)) {
      for (int i = 0; i < 300; i++) {
        write(log, StreamName.STDOUT, "n " + i + "\n");
      }
    }

    assertThat(logFiles()).containsExactlyInAnyOrder("c.log", "c.log.1", "c.log.2");
    assertThat(read(LogPaths.rotated(path, 2))).doesNotContain("old 2");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void write_concurrentStreamsAcrossRotations_everyKeptRecordWholeAndFilesWithinLimit() throws Exception {
    int maxFiles = 4;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (ContainerLog log = ContainerLog.open(new LogSpec(path, MAX_SIZE, maxFiles), root, CLOCK)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> writers = new ArrayList<>();
      for (StreamName stream : StreamName.values()) {
        writers.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 3000; i++) {
            write(log, stream, stream.criName() + " " + i + " " + "k".repeat(i % 150) + "\n");
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> writer : writers) {
        writer.get();
      }
      assertThat(log.droppedBytes()).isZero();
    } finally {
      pool.shutdownNow();
    }

    assertThat(logFiles()).containsExactlyInAnyOrder("c.log", "c.log.1", "c.log.2", "c.log.3");
    int[] last = {-1, -1};
    for (int n = maxFiles - 1; n >= 0; n--) {
      Path file = n == 0 ? path : LogPaths.rotated(path, n);
      assertThat(Files.size(file)).isLessThanOrEqualTo(MAX_SIZE);
      for (Matcher m : records(read(file))) {
        String[] words = m.group(4).split(" ", 3);
        assertThat(words[0]).isEqualTo(m.group(2));
        assertThat(m.group(3)).isEqualTo("F");
        int stream = m.group(2).equals("stdout") ? 0 : 1;
        int i = Integer.parseInt(words[1]);
        if (last[stream] >= 0) {
          assertThat(i).as("%s records follow each other without gaps", m.group(2)).isEqualTo(last[stream] + 1);
        }
        last[stream] = i;
        assertThat(words[2]).isEqualTo("k".repeat(i % 150));
      }
    }
    assertThat(last).as("the last record written is kept").contains(2999);
  }

  private List<String> logFiles() throws IOException {
    try (Stream<Path> files = Files.list(path.getParent())) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.ISO_8859_1);
  }

  private static List<Matcher> records(String content) {
    assertThat(content).endsWith("\n");
    List<Matcher> records = new ArrayList<>();
    for (String line : content.substring(0, content.length() - 1).split("\n", -1)) {
      Matcher m = ContainerLogTest.RECORD.matcher(line);
      assertThat(m.matches()).as("record %s", line).isTrue();
      records.add(m);
    }
    return records;
  }

  private static String randomText(int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < length; i++) {
      out.write('a' + random.nextInt(26));
    }
    return out.toString(StandardCharsets.US_ASCII);
  }
}
