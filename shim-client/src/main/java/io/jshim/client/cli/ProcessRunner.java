package io.jshim.client.cli;

import io.jshim.client.ExitResult;
import io.jshim.client.ShimClient;
import io.jshim.client.ShimClientException;
import io.jshim.client.Signals;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The part {@code run} and {@code exec} share once the daemon has registered their process (Create or Exec): start
 * it, attach its stdio and the signal forwarder, wait for it, delete it and answer its exit status; on any failure
 * or early signal, kill and delete what was registered.
 */
final class ProcessRunner {
  private static final long CLEANUP_WAIT_SECONDS = 5;
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);

  private ProcessRunner() {
  }

  /**
   * Runs a registered process to its end.
   *
   * @param client the daemon
   * @param id the task id
   * @param execId the exec id, or empty for the task's init process (then the task is deleted)
   * @param stdio the process's stdio, planned before the process was registered
   * @param signals the forwarder installed for this command
   * @param err where to report signals that cannot be forwarded
   * @return the process's exit status, or 128 + a signal caught before the process was started
   * @throws InterruptedException if interrupted while draining the output
   */
  static int startWaitDelete(ShimClient client, String id, String execId, ProcessStdio stdio,
      SignalForwarder signals, PrintWriter err) throws InterruptedException {
    boolean deleted = false;
    try {
      int early = signals.pending();
      if (early != 0) {
        return 128 + early;
      }
      if (execId.isEmpty()) {
        // the init process's pty exists since Create: sized before its program starts
        stdio.windowSize().ifPresent(size -> client.io().resizePty(id, execId, size.columns(), size.rows()));
      }
      client.execs().start(id, execId);
      stdio.started(client, id, execId, err);
      signals.attach(signal -> forward(client, id, execId, signal, err));
      ExitResult exit = client.execs().waitFor(id, execId);
      signals.detach();
      client.execs().delete(id, execId);
      deleted = true;
      stdio.drain(OUTPUT_DRAIN);
      return exit.exitStatus();
    } finally {
      signals.detach();
      if (!deleted) {
        discard(client, id, execId);
      }
    }
  }

  private static void forward(ShimClient client, String id, String execId, int signal, PrintWriter err) {
    client.execs().killAsync(id, execId, signal, false).whenComplete((ignored, error) -> {
      if (error != null) {
        err.println("jshimctl: cannot forward SIG" + Signals.name(signal) + ": " + JshimCtl.describe(error));
        err.flush();
      }
    });
  }

  /** Best-effort removal of a process left behind by a failure or an early signal. */
  private static void discard(ShimClient client, String id, String execId) {
    try {
      client.execs().kill(id, execId, Signals.SIGKILL, execId.isEmpty());
    } catch (ShimClientException e) {
      // Not started, already exited or gone: delete decides.
    }
    try {
      client.execs().waitForAsync(id, execId).get(CLEANUP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Delete below reports nothing either way; the daemon keeps what it cannot delete.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      client.execs().delete(id, execId);
    } catch (ShimClientException e) {
      // Best effort.
    }
  }
}
