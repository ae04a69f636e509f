package io.jshim.daemon.reliability;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.jshim.daemon.Privileged;
import io.jshim.proto.task.v2.TaskGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A daemon in its own JVM ({@code io.jshim.daemon.ShimMain}, as {@code bin/jshim-daemon} runs it), so that its fds,
 * threads, children and RSS are its own and not the test JVM's, and so that test code may start processes
 * without the daemon's reaper taking their exits.
 */
public final class ExternalDaemon implements AutoCloseable {
  private final Path dir;
  private final Process process;
  private final List<ManagedChannel> channels = new ArrayList<>();

  private ExternalDaemon(Path dir, Process process) {
    this.dir = dir;
    this.process = process;
  }

  /** Starts a daemon with its socket, state and logs under {@code dir}, and a ttrpc socket when asked. */
  public static ExternalDaemon start(Path dir, boolean ttrpc) throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("logs"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // a fixed, pre-touched heap: RSS then changes only with what lives outside the heap (threads, code, native)
        "-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch", "-XX:MaxDirectMemorySize=16m",
        // the JIT and JNR settings bin/jshim-daemon ships: what is measured is what runs in production
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Djnr.ffi.asm.enabled=false",
        "-cp", System.getProperty("java.class.path"), "io.jshim.daemon.ShimMain",
        "--socket", dir.resolve("run/jshim.sock").toString(), "--state-dir", dir.resolve("state").toString(),
        "--helper", Privileged.helper().toString(), "--log-root", dir.resolve("logs").toString()));
    if (ttrpc) {
      command.addAll(List.of("--ttrpc-socket", dir.resolve("run/jshim-ttrpc.sock").toString()));
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("daemon.log").toFile());
    builder.environment().remove("TTRPC_ADDRESS");
    ExternalDaemon daemon = new ExternalDaemon(dir, builder.start());
    daemon.awaitSocket(ttrpc ? daemon.ttrpcSocket() : daemon.socket());
    return daemon;
  }

  public long pid() {
    return process.pid();
  }

  public Path socket() {
    return dir.resolve("run/jshim.sock");
  }

  public Path ttrpcSocket() {
    return dir.resolve("run/jshim-ttrpc.sock");
  }

  public Path stateDir() {
    return dir.resolve("state");
  }

  public Path log() {
    return dir.resolve("daemon.log");
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** A new connection. */
  public synchronized ManagedChannel channel() {
    ManagedChannel channel = Grpc.newChannelBuilder("unix://" + socket(), InsecureChannelCredentials.create()).build();
    channels.add(channel);
    return channel;
  }

  /** A stub on a new connection, with a deadline. */
  public TaskGrpc.TaskBlockingStub stub() {
    return TaskGrpc.newBlockingStub(channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** Runs {@code jcmd PID GC.run}: a full collection inside the daemon, before a memory sample. */
  public void gc() throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid()), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
      jcmd.destroyForcibly();
      throw new IllegalStateException("jcmd GC.run did not finish");
    }
  }

  private void awaitSocket(Path socket) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(socket)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("daemon did not come up (exit " + (process.isAlive() ? "none" : process.exitValue())
            + "), see " + log());
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() throws InterruptedException {
    synchronized (this) {
      channels.forEach(ManagedChannel::shutdownNow);
    }
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
