package io.jshim.daemon.checkpoint;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.spawn.ProgramRun;
import io.jshim.daemon.spawn.SpawnException;
import io.jshim.daemon.spawn.Spawner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Dumps a process tree to a directory and restores it from one, with {@code criu} run through the native helper.
 * A failed run is reported with CRIU's log file and its last lines; a failed dump leaves the tree as it was (CRIU
 * resumes what it froze).
 */
public final class Checkpointer {
  /** How many of the log's last lines an error quotes. */
  static final int LOG_LINES = 8;
  private static final String PID_FILE = "restore.pid";

  private final Spawner spawner;
  private final Supplier<Optional<Criu>> criu;
  private final Path proc;
  private final Duration timeout;

  /**
   * @param criu finds the criu binary when one is needed (it may be installed while the daemon runs)
   * @param timeout how long one dump or restore may take before it is killed
   */
  public Checkpointer(Spawner spawner, Supplier<Optional<Criu>> criu, Path proc, Duration timeout) {
    this.spawner = spawner;
    this.criu = criu;
    this.proc = proc;
    this.timeout = timeout;
  }

  /** A checkpointer that looks for criu on the daemon's PATH. */
  public static Checkpointer onPath(Spawner spawner) {
    return new Checkpointer(spawner, () -> Criu.find(System.getenv("PATH")), Path.of("/proc"), Duration.ofMinutes(10));
  }

  /**
   * Dumps the tree under {@code pid} into {@code imageDir} (created if missing) and writes its descriptor there.
   *
   * @throws ShimException FAILED_PRECONDITION without criu or when the dump fails (naming its log)
   */
  public void dump(String taskId, int pid, Path imageDir, CheckpointOptions options, ExternalMounts mounts,
      Optional<Path> frozenCgroup) {
    Criu binary = criu();
    Path workDir = options.workPath().orElse(imageDir);
    createDirectories(imageDir, "image");
    createDirectories(workDir, "work");
    List<OpenFile> stdio = OpenFile.stdio(proc, pid);
    List<String> args = binary.dumpArgs(pid, imageDir, workDir, options, stdio, mounts, frozenCgroup);
    run(binary, args, List.of(), List.of(), Optional.empty(), workDir.resolve(Criu.DUMP_LOG),
        "checkpoint task " + taskId + " (pid " + pid + ")");
    new ImageDescriptor(ImageDescriptor.VERSION, taskId, pid, stdio.stream().map(OpenFile::key).toList(),
        List.copyOf(mounts.binds().keySet()), mounts.maskedFiles(), options.openTcp(), options.externalUnixSockets(),
        options.fileLocks(), options.emptyNetwork()).write(imageDir);
  }

  /**
   * Restores the checkpoint in {@code imageDir}: its root task held stopped (SIGCONT lets it go on), in the
   * {@code cgroupDirs}, with {@code stdio} as its fds 0, 1, 2. The caller must have a reaper window open: CRIU
   * exits once the tree is restored, and the root task becomes the daemon's child (the daemon is a subreaper).
   *
   * @param root the container's root directory when the task has a mount namespace
   * @return the restored root task's pid
   * @throws ShimException INVALID_ARGUMENT when the checkpoint does not fit the bundle, FAILED_PRECONDITION when
   *     criu is missing or the restore fails (naming its log)
   */
  public int restore(String taskId, Path imageDir, Optional<Path> workPath, Optional<String> root, int[] stdio,
      List<String> cgroupDirs, ExternalMounts mounts) {
    ImageDescriptor image = ImageDescriptor.read(imageDir);
    for (String target : image.bindMounts()) {
      if (!mounts.binds().containsKey(target)) {
        throw ShimException.invalidArgument("checkpoint: " + imageDir + " was taken with a bind mount at " + target
            + "; the bundle of task " + taskId + " has none there (expected: the checkpointed task's bind mounts, "
            + image.bindMounts() + ")");
      }
    }
    Criu binary = criu();
    Path workDir = workPath.orElse(imageDir);
    createDirectories(workDir, "work");
    Path pidFile = workDir.resolve(PID_FILE);
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new UncheckedIOException("remove the old " + pidFile, e);
    }
    // one fd per distinct name: CRIU gives every file of that name the same one
    Map<String, Integer> inherited = new LinkedHashMap<>();
    List<Integer> fds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String key = image.stdio().get(i);
      if (!inherited.containsKey(key)) {
        inherited.put(key, ProgramRun.FIRST_FD + fds.size());
        fds.add(stdio[i]);
      }
    }
    List<String> args = binary.restoreArgs(imageDir, workDir, pidFile, root, image, inherited, mounts);
    run(binary, args, cgroupDirs, fds, root, workDir.resolve(Criu.RESTORE_LOG),
        "restore task " + taskId + " from " + imageDir);
    try {
      return Integer.parseInt(Files.readString(pidFile).trim());
    } catch (IOException | NumberFormatException e) {
      throw ShimException.internal("restore task " + taskId + ": criu succeeded but its pid file " + pidFile
          + " is unreadable: " + e.getMessage(), e);
    }
  }

  private Criu criu() {
    return criu.get().orElseThrow(() -> ShimException.failedPrecondition("cannot checkpoint or restore: no criu "
        + "binary on the daemon's PATH or in /usr/local/sbin, /usr/sbin, /sbin (expected: CRIU installed, e.g. "
        + "Debian's criu package)"));
  }

  private void run(Criu binary, List<String> args, List<String> cgroupDirs, List<Integer> fds,
      Optional<String> bindSelf, Path log, String what) {
    try {
      spawner.run(new ProgramRun(binary.binary().toString(), args, cgroupDirs, fds, bindSelf, timeout));
    } catch (SpawnException e) {
      throw ShimException.failedPrecondition("cannot " + what + ": " + e.detail() + "; criu's log " + log
          + tail(log));
    }
  }

  /**
   * What the error says about CRIU's log: its {@code Error} lines (CRIU writes the cause there, and then more lines
   * while it undoes the dump), at most {@link #LOG_LINES} of them, else its last lines.
   */
  static String tail(Path log) {
    List<String> lines;
    try {
      // lenient: a log line may quote a file name that is not UTF-8
      lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      return " cannot be read (" + e.getMessage() + ")";
    }
    if (lines.isEmpty()) {
      return " is empty";
    }
    List<String> errors = lines.stream().filter(l -> l.contains("Error (")).toList();
    if (!errors.isEmpty()) {
      return " has these errors:\n" + String.join("\n", errors.subList(0, Math.min(errors.size(), LOG_LINES)));
    }
    return " ends with:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()));
  }

  private static void createDirectories(Path dir, String what) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw ShimException.invalidArgument("cannot create the " + what + " directory " + dir + ": " + e.getMessage()
          + " (expected: a path the daemon can create)", e);
    }
  }
}
