package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.io.ProcessIo;
import io.jshim.daemon.reaper.Child;
import io.jshim.daemon.reaper.ExitStatus;
import io.jshim.daemon.spawn.HeldProcess;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * One spawned process of a task and its state machine. Transitions happen under {@code lock}; the state is
 * also published through a volatile field so that State never waits behind a Start.
 *
 * <p>An exit is published (state Stopped, {@link #exited()} completed) only once {@code settle} has finished
 * with it: its output drained, and for an init process every exec gone first (containerd's order).
 */
final class ShimProcess {
  private static final int SIGKILL = 9;

  private final Object lock = new Object();
  private final HeldProcess held;
  private final Child child;
  private final ProcessIo io;
  private final Function<ExitStatus, CompletionStage<?>> settle;
  private final Hooks hooks;
  private final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
  private volatile ProcessState state;

  /**
   * @param settle what must happen between the reap and the publication of an exit; its failure is
   *     ignored (the exit is published anyway)
   */
  ShimProcess(HeldProcess held, Child child, ProcessIo io, Function<ExitStatus, CompletionStage<?>> settle,
      Hooks hooks) {
    this.held = held;
    this.child = child;
    this.io = io;
    this.hooks = hooks;
    this.settle = settle;
    this.state = new ProcessState.Created(held.pid());
    child.exit().thenAccept(this::onExit);
  }

  /**
   * A process a previous daemon spawned, taken back after a restart: running (or held, if it had not been started:
   * the hold died with that daemon, so Start is refused and Delete kills it), or already exited if {@code child}
   * says so.
   */
  static ShimProcess restored(Child child, ProcessIo io, boolean started,
      Function<ExitStatus, CompletionStage<?>> settle, Hooks hooks) {
    ShimProcess process = new ShimProcess(new LostHold(child.pid()), child, io, settle, hooks);
    if (started) {
      synchronized (process.lock) {
        if (process.state instanceof ProcessState.Created) {
          process.state = new ProcessState.Running(child.pid());
        }
      }
    }
    return process;
  }

  /** The hold of a process whose spawning daemon died: nothing to release any more. */
  private record LostHold(int pid) implements HeldProcess {
    @Override
    public void release() {
      throw ShimException.failedPrecondition("cannot start process " + pid + ": it was created by a daemon that has "
          + "since been restarted, and its hold before execve went with it (expected: delete it and create again)");
    }

    @Override
    public java.util.OptionalInt takeConsole() {
      return java.util.OptionalInt.empty();
    }

    @Override
    public void abandon() {
    }
  }

  /**
   * {@code started} and {@code exited} are called under the process's lock, in this order, when the process starts
   * and when its exit is published; they only queue. {@code reaped} is called the moment the exit is known, before
   * the settle step, on a completion thread (it may write to disk).
   */
  record Hooks(IntConsumer started, Consumer<ExitStatus> reaped, Consumer<ExitStatus> exited) {
    static final Hooks NONE = new Hooks(pid -> { }, exit -> { }, exit -> { });
  }

  int pid() {
    return child.pid();
  }

  /** The process's stdio: its pumps, its terminal. */
  ProcessIo io() {
    return io;
  }

  ProcessState state() {
    return state;
  }

  /** Completes after the state has moved to Stopped. */
  CompletableFuture<ExitStatus> exited() {
    return exited;
  }

  /** Lets the held process execve; throws if execve failed (the process then exits with 127). */
  void start() {
    synchronized (lock) {
      if (!(state instanceof ProcessState.Created)) {
        throw ShimException.failedPrecondition("cannot start: process " + pid() + " is " + state.name() + " (expected: created)");
      }
      held.release();
      state = new ProcessState.Running(pid());
      hooks.started().accept(pid());
    }
  }

  /** Sends {@code signal}; NOT_FOUND when the process has already exited (its pid is never signalled). */
  void kill(int signal) {
    ProcessState now = state;
    if (now instanceof ProcessState.Stopped || now instanceof ProcessState.Deleted || !child.signal(signal)) {
      throw ShimException.notFound("process " + pid() + " has already exited");
    }
  }

  /**
   * Runs {@code action} while {@code /proc/PID} is certain to be this process's. A child cannot be reaped meanwhile
   * (the reaper waits). An adopted process can be reaped by its new parent at any moment, so the action runs first
   * and counts only if the process is still there afterwards: then it was there all along. Otherwise the action's
   * result goes to {@code undo}.
   *
   * @return what the action returned
   * @throws ShimException FAILED_PRECONDITION if it has exited
   */
  <T> T whileAlive(Supplier<T> action, Consumer<T> undo) {
    if (child.adopted()) {
      T result = action.get();
      if (!child.pidStillNamesIt()) {
        undo.accept(result);
        throw exitedMeanwhile();
      }
      return result;
    }
    AtomicReference<T> result = new AtomicReference<>();
    if (!child.whileUnreaped(() -> result.set(action.get()))) {
      throw exitedMeanwhile();
    }
    return result.get();
  }

  private ShimException exitedMeanwhile() {
    return ShimException.failedPrecondition("process " + pid() + " has exited (expected: running)");
  }

  /**
   * Moves a stopped process to Deleted; a created one is killed first. A running one is refused.
   *
   * @return completes with the exit once the process is deleted
   */
  CompletableFuture<ExitStatus> delete() {
    synchronized (lock) {
      ProcessState now = state;
      if (now instanceof ProcessState.Running) {
        throw ShimException.failedPrecondition("cannot delete: process " + pid() + " is running (expected: stopped or created; kill it first)");
      }
      if (now instanceof ProcessState.Deleted) {
        throw ShimException.notFound("process " + pid() + " is already deleted");
      }
      if (now instanceof ProcessState.Created) {
        // the signal lands before the hold is dropped, so the exit is 137 and never 126
        child.signal(SIGKILL);
        held.abandon();
      }
    }
    return exited.thenApply(exit -> {
      synchronized (lock) {
        state = new ProcessState.Deleted(exit);
      }
      // FIFO handles, pumps and the terminal live until now: a reader may still be collecting output
      io.close();
      return exit;
    });
  }

  private void onExit(ExitStatus exit) {
    synchronized (lock) {
      if (state instanceof ProcessState.Created) {
        held.abandon();
      }
    }
    try {
      hooks.reaped().accept(exit);
    } catch (RuntimeException e) {
      // recording the exit failed (logged there): it is still published
    }
    CompletionStage<?> settled;
    try {
      settled = settle.apply(exit);
    } catch (RuntimeException e) {
      settled = CompletableFuture.completedFuture(null);
    }
    settled.whenComplete((ignored, failure) -> publish(exit));
  }

  private void publish(ExitStatus exit) {
    synchronized (lock) {
      state = new ProcessState.Stopped(exit);
      // under the lock that start() holds while it reports the start: the start is always reported first
      hooks.exited().accept(exit);
    }
    exited.complete(exit);
  }
}
