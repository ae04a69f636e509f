package io.jshim.daemon.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ContainerLogTest {
  static final String TS = "2026-11-22T10:00:00.123456789Z";
  static final Pattern RECORD = Pattern.compile("(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}Z) (stdout|stderr) ([FP]) ([^\\n]*)");

  @TempDir
  Path tmp;

  private Path root;
  private Path path;
  private final MutableClock clock = new MutableClock(Instant.parse(TS));

  @BeforeEach
  void dirs() throws IOException {
    root = Files.createDirectory(tmp.resolve("logs"));
    path = root.resolve("pod/c.log");
  }

  @Test
  void write_completeLines_oneFullRecordPerLine() throws IOException {
    try (ContainerLog log = open()) {
      write(log, StreamName.STDOUT, "hello\nworld\n");
      write(log, StreamName.STDERR, "oops\n");
    }

    assertThat(content()).isEqualTo(TS + " stdout F hello\n" + TS + " stdout F world\n" + TS + " stderr F oops\n");
  }

  @Test
  void write_emptyLine_fullRecordWithEmptyText() throws IOException {
    try (ContainerLog log = open()) {
      write(log, StreamName.STDOUT, "\n\n");
    }

    assertThat(content()).isEqualTo(TS + " stdout F \n" + TS + " stdout F \n");
  }

  @Test
  void write_partialLines_partialRecordsThenFull() throws IOException {
    try (ContainerLog log = open()) {
      write(log, StreamName.STDOUT, "abc");
      write(log, StreamName.STDOUT, "def");
      write(log, StreamName.STDOUT, "ghi\njk");
    }

    assertThat(content()).isEqualTo(TS + " stdout P abc\n" + TS + " stdout P def\n" + TS + " stdout F ghi\n" + TS + " stdout P jk\n");
  }

  @Test
  void write_crlf_carriageReturnKeptInText() throws IOException {
    try (ContainerLog log = open()) {
      write(log, StreamName.STDOUT, "dos\r\nline\r");
    }

    assertThat(content()).isEqualTo(TS + " stdout F dos\r\n" + TS + " stdout P line\r\n");
  }

  @Test
  void write_emptyChunk_writesNothing() throws IOException {
    try (ContainerLog log = open()) {
      log.write(StreamName.STDOUT, new byte[8], 3, 0);
    }

    assertThat(content()).isEmpty();
  }

  @Test
  void write_offsetAndLength_onlyThatSliceWritten() throws IOException {
    byte[] buf = "xxab\ncdyy".getBytes(StandardCharsets.US_ASCII);
    try (ContainerLog log = open()) {
      log.write(StreamName.STDERR, buf, 2, 5);
    }

    assertThat(content()).isEqualTo(TS + " stderr F ab\n" + TS + " stderr P cd\n");
  }

  @Test
  void write_badSlice_indexOutOfBounds() throws IOException {
    try (ContainerLog log = open()) {
      assertThatThrownBy(() -> log.write(StreamName.STDOUT, new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Test
  void write_binaryAndUtf8_bytesCopiedUnchanged() throws IOException {
    byte[] chunk = {(byte) 0xc3, (byte) 0xa9, 0, (byte) 0xff, '\t', '\n'};
    try (ContainerLog log = open()) {
      log.write(StreamName.STDOUT, chunk, 0, chunk.length);
    }

    byte[] prefix = (TS + " stdout F ").getBytes(StandardCharsets.US_ASCII);
    byte[] expected = new byte[prefix.length + chunk.length];
    System.arraycopy(prefix, 0, expected, 0, prefix.length);
    System.arraycopy(chunk, 0, expected, prefix.length, chunk.length);
    assertThat(Files.readAllBytes(path)).isEqualTo(expected);
  }

  @Test
  void write_timestamp_utcWithNineFractionDigitsEvenForWholeSeconds() throws IOException {
    Clock berlin = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneId.of("Europe/Berlin"));
    try (ContainerLog log = ContainerLog.open(LogSpec.withDefaults(path), root, berlin)) {
      write(log, StreamName.STDOUT, "x\n");
    }

    assertThat(content()).isEqualTo("2026-01-02T03:04:05.000000000Z stdout F x\n");
  }

  @Test
  void write_oneChunk_oneTimestampForAllItsRecords() throws IOException {
    Clock ticking = new Clock() {
      private Instant next = Instant.parse(TS);

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        Instant now = next;
        next = next.plusNanos(1);
        return now;
      }
    };
    try (ContainerLog log = ContainerLog.open(LogSpec.withDefaults(path), root, ticking)) {
      write(log, StreamName.STDOUT, "a\nb\nc");
      write(log, StreamName.STDOUT, "d\n");
    }

    List<String> stamps = records().stream().map(m -> m.group(1)).toList();
    assertThat(stamps.subList(0, 3)).containsOnly(stamps.get(0));
    assertThat(stamps.get(3)).isGreaterThan(stamps.get(0));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void write_concurrentStreams_recordsNeverMixWithinALine() throws Exception {
    int chunks = 2000;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (ContainerLog log = ContainerLog.open(new LogSpec(path, 1L << 30, 2), root, clock)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> writers = new ArrayList<>();
      for (StreamName stream : StreamName.values()) {
        writers.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < chunks; i++) {
            // two whole lines and the start of a third, finished by the next chunk
            String tag = stream.criName();
            write(log, stream, tag + "-" + i + "-b " + "x".repeat(i % 97) + "\n" + tag + "-" + i + "-c\n" + tag + "-" + (i + 1) + "-a");
          }
          write(log, stream, "\n");
          return null;
        }));
      }
      start.countDown();
      for (Future<?> writer : writers) {
        writer.get();
      }
    } finally {
      pool.shutdownNow();
    }

    Map<StreamName, StringBuilder> joined = new EnumMap<>(StreamName.class);
    for (StreamName stream : StreamName.values()) {
      joined.put(stream, new StringBuilder());
    }
    List<Matcher> records = records();
    for (Matcher record : records) {
      StreamName stream = StreamName.valueOf(record.group(2).toUpperCase(Locale.ROOT));
      assertThat(record.group(4)).as("text of a %s record", stream).doesNotContain(other(stream).criName());
      joined.get(stream).append(record.group(4)).append(record.group(3).equals("F") ? "\n" : "");
    }
    for (StreamName stream : StreamName.values()) {
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < chunks; i++) {
        String tag = stream.criName();
        expected.append(tag).append("-").append(i).append("-b ").append("x".repeat(i % 97)).append("\n")
            .append(tag).append("-").append(i).append("-c\n").append(tag).append("-").append(i + 1).append("-a");
      }
      expected.append("\n");
      assertThat(joined.get(stream).toString()).as("%s joined back from P and F records", stream).isEqualTo(expected.toString());
    }
  }

  @Test
  void reopen_afterFileRenamedAway_newFileCreatedAndRenamedOneIntact() throws IOException {
    Path moved = root.resolve("pod/c.log.20261122-100000");
    try (ContainerLog log = open()) {
      write(log, StreamName.STDOUT, "before\n");
      Files.move(path, moved);
      log.reopen();
      write(log, StreamName.STDOUT, "after\n");
    }

    assertThat(Files.readString(moved)).isEqualTo(TS + " stdout F before\n");
    assertThat(content()).isEqualTo(TS + " stdout F after\n");
  }

  @Test
  void reopen_pathNowASymlink_invalidArgumentAndLaterWritesDropped() throws IOException {
    Path target = Files.writeString(tmp.resolve("target"), "");
    try (ContainerLog log = open()) {
      Files.delete(path);
      Files.createSymbolicLink(path, target);

      assertThatThrownBy(log::reopen)
          .isInstanceOfSatisfying(ShimException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
          .hasMessageContaining("is a symbolic link");
      write(log, StreamName.STDOUT, "x\n");

      assertThat(log.droppedBytes()).isEqualTo(recordLength("stdout", "x"));
    }
    assertThat(Files.readString(target)).isEmpty();
  }

  @Test
  void reopen_afterClose_failedPrecondition() throws IOException {
    ContainerLog log = open();
    log.close();

    assertThatThrownBy(log::reopen)
        .isInstanceOfSatisfying(ShimException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION))
        .hasMessage("container log " + path + " is closed (expected: the log of a live task)");
  }

  @Test
  void write_afterFileRemovedUnderneath_newFileOpenedOnceTheCheckIsDue() throws IOException {
    try (ContainerLog log = open()) {
      write(log, StreamName.STDOUT, "one\n");
      Files.delete(path);
      clock.advance(Duration.ofSeconds(ContainerLog.IDENTITY_CHECK_INTERVAL_SECONDS));
      write(log, StreamName.STDOUT, "two\n");

      assertThat(log.droppedBytes()).isZero();
    }

    assertThat(content()).isEqualTo("2026-11-22T10:00:01.123456789Z stdout F two\n");
  }

  @Test
  void write_afterDirectoryRemovedUnderneath_recreatesDirectoryAndFile() throws IOException {
    try (ContainerLog log = open()) {
      write(log, StreamName.STDOUT, "one\n");
      Files.delete(path);
      Files.delete(path.getParent());
      clock.advance(Duration.ofSeconds(2));
      write(log, StreamName.STDOUT, "two\n");

      assertThat(log.droppedBytes()).isZero();
    }

    assertThat(records()).hasSize(1).allSatisfy(m -> assertThat(m.group(4)).isEqualTo("two"));
  }

  @Test
  void write_afterLogRootRemoved_dropsAndCountsWithoutThrowing_thenRecovers() throws IOException {
    try (ContainerLog log = open()) {
      write(log, StreamName.STDOUT, "one\n");
      deleteTree(root);
      clock.advance(Duration.ofSeconds(2));

      write(log, StreamName.STDOUT, "lost\nlost too");
      write(log, StreamName.STDERR, "also lost\n");

      assertThat(log.droppedBytes()).isEqualTo(recordLength("stdout", "lost") + recordLength("stdout", "lost too") + recordLength("stderr", "also lost"));
      Files.createDirectory(root);
      write(log, StreamName.STDOUT, "back\n");
      assertThat(log.droppedBytes()).isEqualTo(recordLength("stdout", "lost") + recordLength("stdout", "lost too") + recordLength("stderr", "also lost"));
    }

    assertThat(records()).hasSize(1).allSatisfy(m -> assertThat(m.group(4)).isEqualTo("back"));
  }

  @Test
  void close_twiceAndWriteAfter_silentlyIgnored() throws IOException {
    ContainerLog log = open();
    write(log, StreamName.STDOUT, "kept\n");
    log.close();
    log.close();
    write(log, StreamName.STDOUT, "ignored\n");

    assertThat(log.droppedBytes()).isZero();
    assertThat(content()).isEqualTo(TS + " stdout F kept\n");
  }

  @Test
  void spec_returnsWhatItWasOpenedWith() throws IOException {
    LogSpec spec = new LogSpec(path, 8192, 3);
    try (ContainerLog log = ContainerLog.open(spec, root, clock)) {
      assertThat(log.spec()).isEqualTo(spec);
    }
  }

  private ContainerLog open() {
    return ContainerLog.open(LogSpec.withDefaults(path), root, clock);
  }

  static void write(ContainerLog log, StreamName stream, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    log.write(stream, bytes, 0, bytes.length);
  }

  static long recordLength(String stream, String text) {
    return (TS + " " + stream + " F " + text + "\n").getBytes(StandardCharsets.UTF_8).length;
  }

  private String content() throws IOException {
    return Files.readString(path, StandardCharsets.ISO_8859_1);
  }

  private List<Matcher> records() throws IOException {
    String content = Files.readString(path, StandardCharsets.UTF_8);
    assertThat(content).endsWith("\n");
    List<Matcher> records = new ArrayList<>();
    for (String line : content.substring(0, content.length() - 1).split("\n", -1)) {
      Matcher m = RECORD.matcher(line);
      assertThat(m.matches()).as("record %s", line).isTrue();
      records.add(m);
    }
    return records;
  }

  private static StreamName other(StreamName stream) {
    return stream == StreamName.STDOUT ? StreamName.STDERR : StreamName.STDOUT;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
