package io.jshim.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spawns the measured children and waits for each by pid. Every fd the harness itself opens is
 * close-on-exec from birth and placed at {@link #MIN_FD} or above, so only what the fd creators make
 * (and what the JVM leaves inheritable) can reach a child.
 */
final class Children {
  static final int MIN_FD = 10;
  private static final int REC_PID = 1;
  private static final int REC_READY = 2;
  private static final int REC_ERROR = 3;
  private static final int HEADER = 16;

  /**
   * One child's timeline (System.nanoTime): the fork side entered, posix_spawn returned, the child (and
   * its workload) reaped; and, for a probe, what it printed.
   */
  record Run(long enteredAt, long spawnedAt, long doneAt, String output) {}

  private final NativeOps ops;
  private final String helper;
  private final String testbin;
  private final List<String> helperOptions;
  private final List<String> env = List.of("PATH=/usr/bin:/bin");
  private final int devNull;
  private final Set<Integer> live = ConcurrentHashMap.newKeySet();

  /**
   * @param helperOptions options put before {@code --} on the helper's command line (e.g. {@code --ns pid})
   */
  Children(NativeOps ops, String helper, String testbin, List<String> helperOptions) {
    this.ops = ops;
    this.helper = helper;
    this.testbin = testbin;
    this.helperOptions = List.copyOf(helperOptions);
    this.devNull = ops.devNull(MIN_FD);
  }

  /** What the daemon spawns: {@code jshim-spawn -- jshim-testbin exit 0}, the full sync protocol, both reaped. */
  Run exitZero(Guard guard) {
    return run(guard, true, false, List.of("exit", "0"));
  }

  /**
   * {@code jshim-testbin fdlinks}: spawned directly, so it sees every fd it inherited, or ({@code swept})
   * through the helper, which closes everything above the sync socket.
   */
  Run probe(Guard guard, boolean swept) {
    return run(guard, swept, true, List.of("fdlinks"));
  }

  /** SIGKILLs every child still running (after a timeout), so nothing outlives the benchmark. */
  void killAll() {
    for (int pid : live) {
      ops.kill(pid);
    }
  }

  private Run run(Guard guard, boolean viaHelper, boolean capture, List<String> program) {
    List<String> argv = new ArrayList<>();
    if (viaHelper) {
      argv.add(helper);
      argv.addAll(helperOptions);
      argv.add("--");
    }
    argv.add(testbin);
    argv.addAll(program);
    int out = capture ? ops.memfd("jshim-bench-out", MIN_FD) : devNull;
    int[] sync = viaHelper ? ops.socketPair(MIN_FD) : null;
    int[] fds = viaHelper ? new int[] {devNull, out, out, sync[1]} : new int[] {devNull, out, out};
    int first = -1;
    int workload = -1;
    long enteredAt;
    try {
      Guard.Hold fork = guard.fork();
      try {
        enteredAt = System.nanoTime();
        first = ops.spawn(argv.get(0), argv, env, fds);
      } finally {
        fork.close();
      }
      long spawnedAt = System.nanoTime();
      live.add(first);
      if (viaHelper) {
        ops.close(sync[1]);
        sync[1] = -1;
        workload = handshake(sync[0]);
      }
      int child = first;
      first = -1; // reaped below, whatever its status
      expectExitZero(child, viaHelper ? "jshim-spawn" : "jshim-testbin");
      if (workload > 0) {
        child = workload;
        workload = -1;
        expectExitZero(child, "the workload");
      }
      long doneAt = System.nanoTime();
      return new Run(enteredAt, spawnedAt, doneAt, capture ? ops.readAll(out) : null);
    } finally {
      for (int pid : new int[] {first, workload}) {
        if (pid > 0) {
          ops.kill(pid);
          ops.waitFor(pid);
          live.remove(pid);
        }
      }
      if (sync != null) {
        for (int fd : sync) {
          if (fd >= 0) {
            ops.close(fd);
          }
        }
      }
      if (capture) {
        ops.close(out);
      }
    }
  }

  /** PID and READY in either order, then the go byte, then end of file (= execve succeeded). */
  private int handshake(int sync) {
    byte[] header = new byte[HEADER];
    int workload = -1;
    boolean ready = false;
    while (workload < 0 || !ready) {
      if (!ops.readFully(sync, header)) {
        throw new IllegalStateException("jshim-spawn: end of file before " + (workload < 0 ? "PID" : "READY"));
      }
      int type = NativeOps.intAt(header, 0);
      int value = NativeOps.intAt(header, 4);
      String message = message(sync, header);
      switch (type) {
        case REC_PID -> {
          workload = value;
          live.add(workload);
        }
        case REC_READY -> ready = true;
        case REC_ERROR -> throw new IllegalStateException("jshim-spawn: ERROR stage " + value + " errno "
            + NativeOps.intAt(header, 8) + ": " + message);
        default -> throw new IllegalStateException("jshim-spawn: unknown record type " + type);
      }
    }
    ops.write(sync, new byte[] {'G'});
    if (ops.readFully(sync, header)) {
      throw new IllegalStateException("jshim-spawn: record type " + NativeOps.intAt(header, 0) + " after go: "
          + message(sync, header));
    }
    return workload;
  }

  private String message(int sync, byte[] header) {
    int len = NativeOps.intAt(header, 12);
    if (len <= 0) {
      return "";
    }
    byte[] text = new byte[len];
    if (!ops.readFully(sync, text)) {
      throw new IllegalStateException("jshim-spawn: end of file inside a record");
    }
    return new String(text, StandardCharsets.UTF_8);
  }

  private void expectExitZero(int pid, String who) {
    int status = ops.waitFor(pid);
    live.remove(pid);
    if (status != 0) {
      String how = (status & 0x7f) == 0 ? "exited " + ((status >> 8) & 0xff) : "was killed by signal " + (status & 0x7f);
      throw new IllegalStateException(who + " (pid " + pid + ") " + how + " (expected: exit 0)");
    }
  }
}
