package io.jshim.daemon.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.reaper.ExitStatus;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.task.TaskRecord;
import io.jshim.daemon.task.TaskRecord.Phase;
import io.jshim.daemon.task.TaskRecord.ProcessRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTaskStoreTest {
  private static final Instant AT = Instant.parse("2026-11-22T09:00:00.123456789Z");

  @TempDir
  Path dir;

  private static TaskRecord record(String id, ProcessRecord init) {
    return new TaskRecord(id, Path.of("/run/bundles/" + id), new StdioPaths("/fifo/in", "/fifo/out", ""), false,
        Set.of(Namespace.PID, Namespace.MOUNT), Optional.of("rootfs"), Optional.of("jshim/" + id),
        List.of("/sys/fs/cgroup/pids/jshim/" + id, "/sys/fs/cgroup/memory/jshim/" + id), true, init, List.of());
  }

  @Test
  void saveThenLoad_runningAndExitedRecords_roundTripExactly() throws Exception {
    FileTaskStore store = FileTaskStore.in(dir);
    TaskRecord running = record("a", new ProcessRecord(100, 5000, Phase.RUNNING, Optional.empty()));
    TaskRecord exited = record("b", new ProcessRecord(101, 5001, Phase.STOPPED,
        Optional.of(new ExitStatus(101, 137, AT))));

    store.save(running);
    store.save(exited);

    assertThat(FileTaskStore.in(dir).load()).containsExactlyInAnyOrder(running, exited);
  }

  @Test
  void saveThenLoad_recordWithExecs_roundTripsEveryExec() throws Exception {
    FileTaskStore store = FileTaskStore.in(dir);
    TaskRecord base = record("a", new ProcessRecord(100, 5000, Phase.RUNNING, Optional.empty()));
    TaskRecord withExecs = new TaskRecord(base.id(), base.bundle(), base.stdio(), base.terminal(), base.namespaces(),
        base.rootfs(), base.cgroupsPath(), base.cgroupDirs(), base.rootfsMounted(), base.init(), List.of(
            new TaskRecord.ExecRecord("e1", new ProcessRecord(110, 5100, Phase.RUNNING, Optional.empty())),
            new TaskRecord.ExecRecord("e2", new ProcessRecord(111, 5101, Phase.STOPPED,
                Optional.of(new ExitStatus(111, 5, AT))))));

    store.save(withExecs);

    assertThat(FileTaskStore.in(dir).load()).containsExactly(withExecs);
    assertThat(Files.readAllLines(dir.resolve("tasks/a/cleanup"))).as("running execs, for the exit witness")
        .contains("exec e1 110 5100").noneMatch(l -> l.startsWith("exec e2"));
    assertThat(Files.readString(dir.resolve("tasks/a/task.json"))).contains("\"execs\"", "\"e2\"");
  }

  @Test
  void load_recordWithoutExecs_hasNone() throws Exception {
    FileTaskStore store = FileTaskStore.in(dir);
    store.save(record("a", new ProcessRecord(100, 5000, Phase.RUNNING, Optional.empty())));

    assertThat(Files.readString(dir.resolve("tasks/a/task.json"))).doesNotContain("execs");
    assertThat(store.load()).singleElement().satisfies(r -> assertThat(r.execs()).isEmpty());
  }

  @Test
  void save_shorterRecordAfterALongerOne_fileHoldsExactlyTheNewRecord() throws Exception {
    FileTaskStore store = FileTaskStore.in(dir);
    TaskRecord base = record("a", new ProcessRecord(100, 5000, Phase.RUNNING, Optional.empty()));
    TaskRecord longer = new TaskRecord(base.id(), base.bundle(), base.stdio(), base.terminal(), base.namespaces(),
        base.rootfs(), base.cgroupsPath(), base.cgroupDirs(), base.rootfsMounted(), base.init(), List.of(
            new TaskRecord.ExecRecord("e1", new ProcessRecord(110, 5100, Phase.STOPPED,
                Optional.of(new ExitStatus(110, 0, AT))))));
    store.save(longer);
    long longerSize = Files.size(dir.resolve("tasks/a/task.json"));

    store.save(base);

    String text = Files.readString(dir.resolve("tasks/a/task.json"));
    assertThat((long) text.length()).isLessThan(longerSize);
    assertThat(text.strip()).endsWith("}").doesNotContain("e1");
    assertThat(store.load()).containsExactly(base);
  }

  @Test
  void load_recordFollowedByTheTailOfAnOlderOne_readsTheNewRecord() throws Exception {
    FileTaskStore store = FileTaskStore.in(dir);
    TaskRecord newer = record("a", new ProcessRecord(100, 5000, Phase.RUNNING, Optional.empty()));
    store.save(newer);
    Path file = dir.resolve("tasks/a/task.json");
    // what a daemon that died between the overwrite and the truncate leaves behind
    Files.writeString(file, Files.readString(file) + "\n    \"phase\" : \"created\"\n  }\n}\n");

    assertThat(FileTaskStore.in(dir).load()).containsExactly(newer);
  }

  @Test
  void save_twice_replacesTheRecordAndLeavesNoTemporaryFile() throws Exception {
    FileTaskStore store = FileTaskStore.in(dir);
    store.save(record("a", new ProcessRecord(100, 5000, Phase.CREATED, Optional.empty())));
    TaskRecord later = record("a", new ProcessRecord(100, 5000, Phase.STOPPED,
        Optional.of(new ExitStatus(100, 3, AT))));

    store.save(later);

    assertThat(store.load()).containsExactly(later);
    try (Stream<Path> files = Files.list(dir.resolve("tasks/a"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("task.json", "cleanup");
    }
  }

  @Test
  void save_laterPhaseOfTheSameInit_leavesTheCleanupFileAsItWas() throws Exception {
    FileTaskStore store = FileTaskStore.in(dir);
    store.save(record("a", new ProcessRecord(100, 5000, Phase.CREATED, Optional.empty())));
    Object inode = Files.getAttribute(dir.resolve("tasks/a/cleanup"), "unix:ino");

    store.save(record("a", new ProcessRecord(100, 5000, Phase.RUNNING, Optional.empty())));

    assertThat(Files.getAttribute(dir.resolve("tasks/a/cleanup"), "unix:ino")).as("not replaced").isEqualTo(inode);
    store.save(record("a", new ProcessRecord(200, 6000, Phase.RUNNING, Optional.empty())));
    assertThat(Files.readAllLines(dir.resolve("tasks/a/cleanup"))).as("replaced once it differs")
        .contains("init 200 6000");
  }

  @Test
  void save_cleanupFile_listsInitAndEveryCgroupDirectory() throws Exception {
    FileTaskStore store = FileTaskStore.in(dir);

    store.save(record("a", new ProcessRecord(100, 5000, Phase.RUNNING, Optional.empty())));

    assertThat(Files.readAllLines(dir.resolve("tasks/a/cleanup"))).contains("init 100 5000",
        "cgroup /sys/fs/cgroup/pids/jshim/a", "cgroup /sys/fs/cgroup/memory/jshim/a");
  }

  @Test
  void in_newStateDir_tasksDirectoryIsPrivate() throws Exception {
    FileTaskStore.in(dir);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tasks"))))
        .isEqualTo("rwx------");
  }

  @Test
  void remove_recordWithLeftoverTemporaryFile_removesTheWholeDirectory() throws Exception {
    FileTaskStore store = FileTaskStore.in(dir);
    store.save(record("a", new ProcessRecord(100, 5000, Phase.RUNNING, Optional.empty())));
    Files.writeString(dir.resolve("tasks/a/.task.json123.tmp"), "{");

    store.remove("a");
    store.remove("a");

    assertThat(dir.resolve("tasks/a")).doesNotExist();
    assertThat(store.load()).isEmpty();
  }

  @Test
  void load_brokenAndForeignRecords_areSkippedAndLeftInPlace() throws Exception {
    FileTaskStore store = FileTaskStore.in(dir);
    TaskRecord good = record("good", new ProcessRecord(100, 5000, Phase.RUNNING, Optional.empty()));
    store.save(good);
    Files.createDirectories(dir.resolve("tasks/broken"));
    Files.writeString(dir.resolve("tasks/broken/task.json"), "{\"version\": 1, \"id\": ");
    store.save(record("moved", new ProcessRecord(102, 5002, Phase.RUNNING, Optional.empty())));
    Files.move(dir.resolve("tasks/moved"), dir.resolve("tasks/elsewhere"));
    Files.createDirectories(dir.resolve("tasks/future"));
    Files.writeString(dir.resolve("tasks/future/task.json"), "{\"version\": 99, \"id\": \"future\"}");

    assertThat(store.load()).containsExactly(good);
    assertThat(dir.resolve("tasks/broken/task.json")).exists();
  }

  @Test
  void save_unwritableStateDir_failsUnavailableNamingTheTask() throws Exception {
    FileTaskStore store = FileTaskStore.in(dir);
    // a file where the task's directory would go
    Files.writeString(dir.resolve("tasks/blocked"), "");

    assertThatThrownBy(() -> store.save(record("blocked", new ProcessRecord(1, 1, Phase.CREATED, Optional.empty()))))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
          assertThat(e.getMessage()).contains("cannot record task blocked").contains("expected: a writable state");
        });
  }

  @Test
  void processRecord_exitWithoutStoppedPhase_isRefused() {
    assertThatThrownBy(() -> new ProcessRecord(1, 1, Phase.RUNNING, Optional.of(new ExitStatus(1, 0, AT))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: an exit exactly when stopped");
  }
}
