package io.jshim.client.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where {@code jshimctl run} points the container's stdout and stderr so they land on the CLI's own.
 *
 * <p>When the CLI's fd is a pipe or a device (a terminal, {@code /dev/null}) the daemon opens it directly as
 * {@code /proc/<cli pid>/fd/N}: no copying. That does not work for every kind of fd: a socket cannot be opened
 * through {@code /proc} at all (ENXIO), and reopening a regular file starts a second file offset, so output would be
 * overwritten by whoever shares the CLI's fd later ({@code { jshimctl run …; echo done; } > log}). For those the CLI
 * relays: the daemon writes into a FIFO in a private directory and a thread here copies it to the CLI's fd.
 */
final class RunStdio implements AutoCloseable {
  private final String stdout;
  private final String stderr;
  private final List<Relay> relays;
  private final PrivateTempDir dir;

  private RunStdio(String stdout, String stderr, List<Relay> relays, PrivateTempDir dir) {
    this.stdout = stdout;
    this.stderr = stderr;
    this.relays = relays;
    this.dir = dir;
  }

  /**
   * Plans stdout and stderr for this process, creating FIFOs and relay threads where needed.
   *
   * @return the plan; close it when the container is gone
   * @throws IOException if a FIFO cannot be made
   */
  static RunStdio forThisProcess() throws IOException {
    long pid = ProcessHandle.current().pid();
    boolean directOut = opensDirectly(fdTarget(1));
    boolean directErr = opensDirectly(fdTarget(2));
    if (directOut && directErr) {
      return new RunStdio(procFd(pid, 1), procFd(pid, 2), List.of(), null);
    }
    PrivateTempDir dir = PrivateTempDir.create("jshim-io-");
    List<Relay> relays = new ArrayList<>();
    try {
      String out = directOut ? procFd(pid, 1)
          : relay(dir.path().resolve("stdout"), new FileOutputStream(FileDescriptor.out), relays);
      String err = directErr ? procFd(pid, 2)
          : relay(dir.path().resolve("stderr"), new FileOutputStream(FileDescriptor.err), relays);
      return new RunStdio(out, err, relays, dir);
    } catch (IOException | RuntimeException e) {
      relays.forEach(Relay::release);
      dir.close();
      throw e;
    }
  }

  /**
   * Tells whether the daemon can open an fd with this {@code /proc/<pid>/fd} link target and share its position:
   * pipes and devices yes; sockets, regular files and anything else no.
   *
   * @param target the symbolic link's target, such as {@code pipe:[123]} or {@code /dev/pts/0}
   * @return whether to pass the {@code /proc} path as is
   */
  static boolean opensDirectly(String target) {
    return target.startsWith("pipe:") || target.startsWith("/dev/");
  }

  String stdout() {
    return stdout;
  }

  String stderr() {
    return stderr;
  }

  /**
   * Drops the relays' own hold on their FIFOs, so they end when the container's side is closed. Call once the
   * daemon has opened them, that is after {@code start}.
   */
  void started() {
    relays.forEach(Relay::release);
  }

  /**
   * Waits until the relays have copied everything (every writer has closed), at most {@code timeout}; a process
   * that outlives the container may hold a FIFO open, and it is not waited for.
   *
   * @param timeout how long to wait in all
   * @throws InterruptedException if interrupted while waiting
   */
  void drain(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Relay relay : relays) {
      relay.release();
      relay.await(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
    }
  }

  /** Releases the FIFOs and removes their directory; relay threads still blocked are left to the JVM's exit. */
  @Override
  public void close() {
    relays.forEach(Relay::release);
    if (dir != null) {
      dir.close();
    }
  }

  private static String procFd(long pid, int fd) {
    return "/proc/" + pid + "/fd/" + fd;
  }

  private static String fdTarget(int fd) {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "";
    }
  }

  private static String relay(Path fifo, OutputStream target, List<Relay> relays) throws IOException {
    mkfifo(fifo);
    relays.add(Relay.start(fifo, target));
    return fifo.toString();
  }

  static void mkfifo(Path fifo) throws IOException {
    Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString())
        .redirectErrorStream(true)
        .start();
    try {
      String output = new String(mkfifo.getInputStream().readAllBytes()).strip();
      if (mkfifo.waitFor() != 0) {
        throw new IOException("cannot make fifo " + fifo + ": " + output);
      }
    } catch (InterruptedException e) {
      mkfifo.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making fifo " + fifo, e);
    }
  }

  /** Copies one FIFO to one of the CLI's fds on a daemon thread. */
  static final class Relay {
    private final Path fifo;
    private final RandomAccessFile hold;
    private final Thread thread;

    private Relay(Path fifo, RandomAccessFile hold, Thread thread) {
      this.fifo = fifo;
      this.hold = hold;
      this.thread = thread;
    }

    /**
     * Opens {@code fifo} and starts copying it to {@code target}.
     *
     * @param fifo an existing FIFO
     * @param target where its bytes go
     * @return the running relay
     * @throws IOException if the FIFO cannot be opened
     */
    static Relay start(Path fifo, OutputStream target) throws IOException {
      // Opening read-write never blocks and keeps a writer on the FIFO: the read-only open below returns at
      // once, a non-blocking write open by the daemon finds a reader, and no EOF arrives before the daemon's
      // side is open. release() drops it.
      RandomAccessFile hold = new RandomAccessFile(fifo.toFile(), "rw");
      InputStream in;
      try {
        in = new FileInputStream(fifo.toFile());
      } catch (IOException e) {
        hold.close();
        throw e;
      }
      Thread thread = new Thread(() -> copy(in, target), "jshimctl-relay-" + fifo.getFileName());
      thread.setDaemon(true);
      thread.start();
      return new Relay(fifo, hold, thread);
    }

    /**
     * The FIFO this relay reads.
     *
     * @return its path
     */
    Path fifo() {
      return fifo;
    }

    /** Drops this relay's own writer, so the copy ends when the container's side is closed. */
    void release() {
      try {
        hold.close();
      } catch (IOException e) {
        // Closing a FIFO does not fail in a way that matters here.
      }
    }

    /**
     * Waits for the copy to end, at most {@code timeout}.
     *
     * @param timeout how long to wait
     * @return whether the copy has ended
     * @throws InterruptedException if interrupted while waiting
     */
    boolean await(Duration timeout) throws InterruptedException {
      thread.join(Math.max(1, timeout.toMillis()));
      return !thread.isAlive();
    }

    private static void copy(InputStream in, OutputStream target) {
      byte[] buffer = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          target.write(buffer, 0, n);
          target.flush();
        }
      } catch (IOException e) {
        // The CLI's own stdout went away (EPIPE): nothing left to copy to.
      }
    }
  }
}
