package io.jshim.bench.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.SpawnAttribute;
import jnr.posix.SpawnFileAction;
import jnr.posix.util.DefaultPOSIXHandler;

/**
 * posix_spawn and waitpid by pid (never waitpid(-1): the harness must not take another waiter's child), on
 * jnr-posix. The JDK's process API is kept out of the bench module: its reaper thread would race these waits.
 */
final class Spawner {
  static final int SIGKILL = 9;
  static final int SIGTERM = 15;
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 01;
  private static final int O_CREAT = 0100;
  private static final int O_APPEND = 02000;
  private static final int WNOHANG = 1;
  private static final int EINTR = 4;

  private final POSIX posix = POSIXFactory.getNativePOSIX(new DefaultPOSIXHandler());

  int geteuid() {
    return posix.geteuid();
  }

  /**
   * Spawns {@code argv} with stdin from /dev/null and stdout and stderr appended to the given files.
   *
   * @param ownGroup put the child in a process group of its own (a Ctrl-C at the terminal then reaches only the
   *     harness, whose shutdown hook stops the child in order)
   */
  int spawn(List<String> argv, Map<String, String> env, String stdout, String stderr, boolean ownGroup) {
    List<SpawnFileAction> actions = List.of(
        SpawnFileAction.open("/dev/null", 0, O_RDONLY, 0),
        SpawnFileAction.open(stdout, 1, O_WRONLY | O_CREAT | O_APPEND, 0644),
        SpawnFileAction.open(stderr, 2, O_WRONLY | O_CREAT | O_APPEND, 0644));
    List<SpawnAttribute> attributes = ownGroup
        ? List.of(SpawnAttribute.flags((short) SpawnAttribute.SETPGROUP), SpawnAttribute.pgroup(0))
        : List.of();
    List<String> envp = new ArrayList<>(env.size());
    env.forEach((k, v) -> envp.add(k + "=" + v));
    long pid = posix.posix_spawnp(argv.get(0), actions, attributes, argv, envp);
    if (pid <= 0) {
      throw new IllegalStateException("posix_spawn " + argv + ": errno " + posix.errno());
    }
    return (int) pid;
  }

  /** Waits for this one child and returns its raw wait status. */
  int waitFor(int pid) {
    int[] status = new int[1];
    while (true) {
      int rc = posix.waitpid(pid, status, 0);
      if (rc == pid) {
        return status[0];
      }
      if (posix.errno() != EINTR) {
        throw new IllegalStateException("waitpid " + pid + ": errno " + posix.errno());
      }
    }
  }

  /** The raw wait status of this child if it has ended (reaping it), or -1 while it runs. */
  int poll(int pid) {
    int[] status = new int[1];
    int rc = posix.waitpid(pid, status, WNOHANG);
    if (rc == pid) {
      return status[0];
    }
    if (rc == 0 || posix.errno() == EINTR) {
      return -1;
    }
    throw new IllegalStateException("waitpid " + pid + ": errno " + posix.errno());
  }

  /** Waits up to {@code timeout} for the child; its raw status, or -1 if it still runs. */
  int waitFor(int pid, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int status = poll(pid);
      if (status != -1 || System.nanoTime() > deadline) {
        return status;
      }
      Thread.sleep(10);
    }
  }

  void signal(int pid, int signal) {
    posix.kill(pid, signal);
  }

  /** Spawns, waits, and fails unless the child exited 0. */
  void runChecked(List<String> argv, Map<String, String> env, String stdout, String stderr) {
    int status = waitFor(spawn(argv, env, stdout, stderr, false));
    if (status != 0) {
      throw new IllegalStateException(String.join(" ", argv) + " " + describe(status) + " (expected: exit 0)");
    }
  }

  /** "exited N" or "was killed by signal N", from a raw wait status. */
  static String describe(int status) {
    return (status & 0x7f) == 0 ? "exited " + ((status >> 8) & 0xff) : "was killed by signal " + (status & 0x7f);
  }
}
