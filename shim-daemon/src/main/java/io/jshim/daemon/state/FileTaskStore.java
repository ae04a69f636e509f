package io.jshim.daemon.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.reaper.ExitStatus;
import io.jshim.daemon.task.TaskRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task records as files: {@code <state-dir>/tasks/<id>/task.json} (the whole record) and
 * {@code <state-dir>/tasks/<id>/cleanup} (plain lines {@code init PID STARTTIME} and {@code cgroup DIR}, which
 * {@code containerd-shim-jshim-v2 delete} reads to kill what is left of a task whose daemon died).
 *
 * <p>{@code cleanup}, which other programs read and which changes only at Create and as execs come and go, is
 * replaced atomically: written to a temporary file and renamed over the old one. {@code task.json}, rewritten at
 * every transition and read only by a later daemon, is overwritten in place and then cut to its new length: on ext4
 * here a new file and a rename cost about 140 µs, an overwrite about 8. A daemon that dies between the overwrite and
 * the cut leaves the new record followed by the tail of the old one, which {@link #load} ignores (it reads one JSON
 * value); a single {@code write(2)} of a few KiB to a regular file completes or does not happen.
 *
 * <p>Nothing is synced to disk: a record describes live processes and cgroups, which a daemon that crashes leaves
 * running and a host that crashes takes down. The first case keeps every completed write (the page cache survives
 * the process); in the second there is nothing left for a record to describe, and a record torn by the crash is
 * skipped as unreadable at the next start.
 */
public final class FileTaskStore implements io.jshim.daemon.task.TaskStore {
  private static final Logger log = LoggerFactory.getLogger(FileTaskStore.class);
  static final String RECORD = "task.json";
  static final String CLEANUP = "cleanup";
  static final String WITNESSED_EXIT = "witnessed-exit";

  /**
   * The mapper, made at the first record written or read: an idle daemon with no tasks then loads no Jackson
   * (about 370 classes, and a thousand Locale objects from the date format's static set-up).
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        // a record cut short of its truncate is followed by the tail of the one before (see the class comment)
        .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {}
  }

  private final Path tasks;
  // the cleanup file as last written, per task: it rarely changes, and comparing in memory saves reading it back
  private final Map<String, byte[]> cleanupWritten = new ConcurrentHashMap<>();

  private FileTaskStore(Path tasks) {
    this.tasks = tasks;
  }

  /** A store in {@code stateDir/tasks}, created 0700 if missing. */
  public static FileTaskStore in(Path stateDir) throws IOException {
    Path tasks = stateDir.resolve("tasks");
    if (!Files.isDirectory(tasks)) {
      Files.createDirectories(tasks, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    return new FileTaskStore(tasks);
  }

  @Override
  public void save(TaskRecord record) {
    Path dir = dirOf(record.id());
    try {
      // a task this store has written before has its directory
      boolean fresh = !cleanupWritten.containsKey(record.id()) && !Files.isDirectory(dir);
      if (fresh) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      byte[] cleanup = cleanupLines(record).getBytes(StandardCharsets.UTF_8);
      // it changes only at Create and when an exec starts or ends
      if (!Arrays.equals(cleanupWritten.get(record.id()), cleanup) && (fresh || !holds(dir.resolve(CLEANUP), cleanup))) {
        replace(dir, CLEANUP, cleanup);
      }
      cleanupWritten.put(record.id(), cleanup);
      overwrite(dir.resolve(RECORD), Json.MAPPER.writeValueAsBytes(StoredTask.of(record)));
    } catch (IOException e) {
      cleanupWritten.remove(record.id());
      if (!Files.exists(dir.resolve(RECORD))) {
        // a first record that could not be written: no half-made directory stays behind
        remove(record.id());
      }
      throw ShimException.unavailable("cannot record task " + record.id() + " in " + dir + ": " + e.getMessage()
          + " (expected: a writable state directory with free space)", e);
    }
  }

  static String cleanupLines(TaskRecord record) {
    StringBuilder out = new StringBuilder("# what containerd-shim-jshim-v2 delete kills when the daemon is gone\n");
    out.append("init ").append(record.init().pid()).append(' ').append(record.init().startTime()).append('\n');
    record.cgroupDirs().forEach(dir -> out.append("cgroup ").append(dir).append('\n'));
    // for the exit witness only (delete kills execs through the cgroup or the init's pid namespace)
    record.execs().stream().filter(e -> e.process().phase() == TaskRecord.Phase.RUNNING)
        .forEach(e -> out.append("exec ").append(e.id()).append(' ').append(e.process().pid()).append(' ')
            .append(e.process().startTime()).append('\n'));
    return out.toString();
  }

  @Override
  public void remove(String id) {
    Path dir = dirOf(id);
    cleanupWritten.remove(id);
    try {
      Files.deleteIfExists(dir.resolve(RECORD));
      Files.deleteIfExists(dir.resolve(CLEANUP));
      try (DirectoryStream<Path> left = Files.newDirectoryStream(dir)) {
        // temporary files of a write that a crash interrupted
        for (Path file : left) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(dir);
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      log.warn("task {}: cannot remove its record {}: {}", id, dir, e.getMessage());
    }
  }

  @Override
  public List<TaskRecord> load() {
    List<TaskRecord> records = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tasks)) {
      for (Path dir : dirs) {
        Path file = dir.resolve(RECORD);
        try {
          TaskRecord record = Json.MAPPER.readValue(file.toFile(), StoredTask.class).toRecord();
          if (!record.id().equals(dir.getFileName().toString())) {
            throw new IllegalArgumentException("id " + record.id() + " in the directory of " + dir.getFileName());
          }
          records.add(record);
        } catch (IOException | RuntimeException e) {
          log.error("task record {} is unreadable, skipped (left in place): {}", file, e.getMessage());
        }
      }
    } catch (IOException e) {
      log.error("cannot list task records in {}: {}", tasks, e.getMessage());
    }
    return records;
  }

  @Override
  public Optional<ExitStatus> witnessedExit(String id, String execId, int pid, long startTime) {
    Path file = dirOf(id).resolve(execId.isEmpty() ? WITNESSED_EXIT : WITNESSED_EXIT + "." + execId);
    try {
      // "PID STARTTIME WAITSTATUS NANOS", written atomically by the witness
      String[] fields = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
      if (fields.length != 4 || Integer.parseInt(fields[0]) != pid || Long.parseLong(fields[1]) != startTime) {
        return Optional.empty();
      }
      long nanos = Long.parseLong(fields[3]);
      return Optional.of(ExitStatus.fromWaitStatus(pid, Integer.parseInt(fields[2]),
          Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      log.warn("task {}: unreadable {}: {}", id, file, e.getMessage());
      return Optional.empty();
    }
  }

  private Path dirOf(String id) {
    Objects.requireNonNull(id, "id");
    Path dir = tasks.resolve(id);
    if (!dir.getParent().equals(tasks)) {
      throw new IllegalArgumentException("task id " + id + " is not a single path element");
    }
    return dir;
  }

  private static void overwrite(Path file, byte[] content) throws IOException {
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        out.write(buf, buf.position());
      }
      out.truncate(content.length);
    }
  }

  // callers hold the task's record lock, so one temporary name per file is enough
  private static void replace(Path dir, String name, byte[] content) throws IOException {
    Path tmp = dir.resolve("." + name + ".tmp");
    try {
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          out.write(buf);
        }
      }
      Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  private static boolean holds(Path file, byte[] content) throws IOException {
    try {
      return Files.size(file) == content.length && Arrays.equals(Files.readAllBytes(file), content);
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "task records in " + tasks;
  }
}
