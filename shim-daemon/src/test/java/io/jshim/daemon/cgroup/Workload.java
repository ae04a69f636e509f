package io.jshim.daemon.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real process for cgroup tests, started with {@link ProcessBuilder} (allowed in tests only) and moved into a
 * cgroup by writing its pid to {@code cgroup.procs}.
 */
final class Workload implements AutoCloseable {
  private final Process process;

  private Workload(Process process) {
    this.process = process;
  }

  /** Runs {@code sh -c script}. */
  static Workload shell(String script) throws IOException {
    return new Workload(new ProcessBuilder("sh", "-c", script).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
  }

  int pid() {
    return (int) process.pid();
  }

  Process process() {
    return process;
  }

  /** Moves the process into every directory of {@code cgroup}. */
  Workload joinAll(Cgroup cgroup) throws IOException {
    for (Path dir : cgroup.procsDirs()) {
      Files.writeString(dir.resolve("cgroup.procs"), Integer.toString(pid()));
    }
    return this;
  }

  /** Sends a line to the process's stdin. */
  void send(String line) throws IOException {
    process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    process.getOutputStream().flush();
  }

  /** The state letter of {@code /proc/PID/stat} (R, S, D, T, Z, ...). */
  char state() throws IOException {
    return stat()[2].charAt(0);
  }

  /** User plus system cpu ticks so far. */
  long cpuTicks() throws IOException {
    String[] fields = stat();
    return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
  }

  private String[] stat() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
    // the command name in parentheses may hold spaces: split after its closing parenthesis
    String rest = stat.substring(stat.lastIndexOf(')') + 2);
    String[] tail = rest.split(" ");
    String[] fields = new String[tail.length + 2];
    System.arraycopy(tail, 0, fields, 2, tail.length);
    return fields;
  }

  /** Kills the process and waits for it to be reaped; returns the exit value. */
  int killAndWait() throws InterruptedException {
    process.destroyForcibly();
    return waitFor();
  }

  int waitFor() throws InterruptedException {
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("process " + pid() + " did not exit in 30 s");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      killAndWait();
    }
  }
}
