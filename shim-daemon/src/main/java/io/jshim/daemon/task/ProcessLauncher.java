package io.jshim.daemon.task;

import io.jshim.daemon.io.IoLoop;
import io.jshim.daemon.io.LogSink;
import io.jshim.daemon.io.ProcessIo;
import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.reaper.Child;
import io.jshim.daemon.reaper.Reaper;
import io.jshim.daemon.reaper.Window;
import io.jshim.daemon.spawn.HeldProcess;
import io.jshim.daemon.spawn.SpawnException;
import io.jshim.daemon.spawn.SpawnRequest;
import io.jshim.daemon.spawn.Spawner;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.ToIntFunction;

/** Spawns a held process of a task: its stdio opened, its exit claimed from the reaper, its terminal attached. */
final class ProcessLauncher {
  private static final int SIGKILL = 9;

  private final Spawner spawner;
  private final Reaper reaper;
  private final IoLoop ioLoop;

  ProcessLauncher(Spawner spawner, Reaper reaper, IoLoop ioLoop) {
    this.spawner = spawner;
    this.reaper = reaper;
    this.ioLoop = ioLoop;
  }

  /**
   * Spawns a held process with its stdio open and its exit claimed from the reaper.
   *
   * @param settle what must be done, given the process's I/O, between its reap and the publication of its exit
   */
  ShimProcess launch(StdioPaths paths, boolean terminal, Optional<ProcessConfig.ConsoleSize> size,
      Optional<LogSink> log, Function<int[], SpawnRequest> request, Function<ProcessIo, CompletionStage<?>> settle,
      ShimProcess.Hooks hooks) {
    ProcessIo io = ProcessIo.open(paths, terminal, log, ioLoop);
    try (Window window = reaper.openWindow()) {
      HeldProcess held;
      try {
        held = spawner.spawn(request.apply(io.childFds()));
      } catch (SpawnException e) {
        // a workload that got as far as its clone must not outlive the failed create
        e.strandedPid().ifPresent(pid -> window.claim(pid).signal(SIGKILL));
        throw e;
      }
      Child child = window.claim(held.pid());
      io.spawned();
      if (terminal) {
        io.attachConsole(held.takeConsole().orElseThrow(() -> new IllegalStateException(
            "the workload of pid " + held.pid() + " was spawned with a console but sent none")));
        // before the program runs, so its first look at the window size is the right one
        size.ifPresent(s -> io.resize(s.width(), s.height()));
      }
      return new ShimProcess(held, child, io, exit -> settle.apply(io), hooks);
    } catch (RuntimeException e) {
      io.close();
      throw e;
    }
  }

  /**
   * Restores a held process: {@code restore} is given the process's stdio fds and returns the pid of what it
   * restored, held stopped and the daemon's child by then (re-parented to it, the subreaper). The reaper window is
   * open from before the restore runs to the claim, so an exit in between is kept.
   *
   * @param resume lets the stopped process tree go on (Start)
   */
  ShimProcess restore(StdioPaths paths, Optional<LogSink> log, ToIntFunction<int[]> restore, IntConsumer resume,
      Function<ProcessIo, CompletionStage<?>> settle, ShimProcess.Hooks hooks) {
    ProcessIo io = ProcessIo.open(paths, false, log, ioLoop);
    try (Window window = reaper.openWindow()) {
      int pid = restore.applyAsInt(io.childFds());
      Child child = window.claim(pid);
      io.spawned();
      return new ShimProcess(new StoppedHold(pid, resume), child, io, exit -> settle.apply(io), hooks);
    } catch (RuntimeException e) {
      io.close();
      throw e;
    }
  }

  /** The hold of a restored process: it is stopped (SIGSTOP), and its release is a SIGCONT of its tree. */
  private record StoppedHold(int pid, IntConsumer resume) implements HeldProcess {
    @Override
    public void release() {
      resume.accept(pid);
    }

    @Override
    public OptionalInt takeConsole() {
      return OptionalInt.empty();
    }

    @Override
    public void abandon() {
      // nothing holds it but the stop: a Delete's SIGKILL ends it
    }
  }
}
