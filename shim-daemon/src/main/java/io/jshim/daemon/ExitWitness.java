package io.jshim.daemon;

import io.jshim.daemon.proc.ProcFs;
import io.jshim.daemon.reaper.Child;
import io.jshim.daemon.reaper.Reaper;
import io.jshim.daemon.reaper.Window;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.SysException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's exit witness: the native {@code jshim-exit-witness} (native/src/witness.h), a child of the daemon in
 * a session of its own. It listens to the kernel's exit notices from the start; once the daemon dies, or says it is
 * stopping ({@code SIGUSR1}), it watches every recorded init that still runs and writes the exit status of each one
 * that ends into {@code tasks/<id>/witnessed-exit}, until a new daemon, having taken the tasks back, retires it
 * ({@code SIGTERM}). Its pid and start time are in {@code <state-dir>/witness}.
 */
final class ExitWitness {
  static final String BINARY = "jshim-exit-witness";
  private static final Logger log = LoggerFactory.getLogger(ExitWitness.class);
  private static final String FILE = "witness";
  private static final int SIGUSR1 = 10;
  private static final int SIGTERM = 15;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(5);

  private final Child child;

  private ExitWitness(Child child) {
    this.child = child;
  }

  /** A witness a previous daemon left running, held by a pidfd (it is not our child). */
  record Previous(int pid, int pidfd) {
    /** Tells it to write what it has and end: the new daemon watches the tasks itself now. */
    void retire(Posix posix) {
      posix.pidfdSignal(pidfd, SIGTERM);
      posix.closeQuietly(pidfd);
      log.info("retired the exit witness {} of the previous daemon", pid);
    }
  }

  /** The previous daemon's witness, if the pid in {@code <state-dir>/witness} still names it. */
  static Optional<Previous> previous(Posix posix, ProcFs proc, Path stateDir) {
    Optional<long[]> recorded = read(stateDir);
    if (recorded.isEmpty()) {
      return Optional.empty();
    }
    int pid = (int) recorded.get()[0];
    long startTime = recorded.get()[1];
    if (proc.startTime(pid).orElse(-1) != startTime) {
      return Optional.empty();
    }
    OptionalInt pidfd = posix.pidfdOpen(pid);
    if (pidfd.isEmpty()) {
      return Optional.empty();
    }
    // opened after the check: the pid may have been reused in between
    if (proc.startTime(pid).orElse(-1) != startTime) {
      posix.closeQuietly(pidfd.getAsInt());
      return Optional.empty();
    }
    return Optional.of(new Previous(pid, pidfd.getAsInt()));
  }

  /**
   * Starts this daemon's witness and waits until it listens (it writes its file then).
   *
   * @return empty, with a warning, when the binary is missing or the witness cannot listen (no CAP_NET_ADMIN)
   */
  static Optional<ExitWitness> start(Posix posix, Reaper reaper, ProcFs proc, Path binary, Path stateDir) {
    if (!Files.isExecutable(binary)) {
      log.warn("no exit witness ({} is missing): containers that end while no daemon runs will report status 255",
          binary);
      return Optional.empty();
    }
    Child child;
    int devnull = posix.open("/dev/null", Posix.O_RDWR, 0);
    int[] stdio = {-1, -1, -1};
    try (Window window = reaper.openWindow()) {
      for (int i = 0; i < stdio.length; i++) {
        stdio[i] = posix.dupAtLeast(devnull, stdio.length);
      }
      // the witness closes every fd above 2 itself, first thing
      int pid = posix.spawn(binary.toString(), List.of(binary.toString(), stateDir.toString(),
          Integer.toString(posix.getpid())), List.of(), stdio);
      child = window.claim(pid);
    } finally {
      posix.closeQuietly(devnull);
      for (int fd : stdio) {
        if (fd >= 0) {
          posix.closeQuietly(fd);
        }
      }
    }
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && !child.exit().isDone()) {
      Optional<long[]> recorded = read(stateDir);
      if (recorded.isPresent() && recorded.get()[0] == child.pid()) {
        log.info("exit witness {} listens", child.pid());
        return Optional.of(new ExitWitness(child));
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    child.signal(SIGTERM);
    log.warn("the exit witness {} did not come up (it needs CAP_NET_ADMIN for the kernel's exit notices): containers "
        + "that end while no daemon runs will report status 255", child.pid());
    return Optional.empty();
  }

  /** The daemon is stopping: the witness takes over the tasks that still run. */
  void daemonStopping() {
    child.signal(SIGUSR1);
  }

  // "PID STARTTIME"
  private static Optional<long[]> read(Path stateDir) {
    try {
      String[] fields = Files.readString(stateDir.resolve(FILE), StandardCharsets.US_ASCII).trim().split(" ");
      return fields.length == 2
          ? Optional.of(new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])}) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      log.warn("unreadable {}: {}", stateDir.resolve(FILE), e.getMessage());
      return Optional.empty();
    }
  }
}
