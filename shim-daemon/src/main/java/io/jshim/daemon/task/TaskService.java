package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.io.OpenStdio;
import io.jshim.daemon.io.StdioOpener;
import io.jshim.daemon.proc.ProcFs;
import io.jshim.daemon.reaper.Child;
import io.jshim.daemon.reaper.ExitStatus;
import io.jshim.daemon.reaper.Reaper;
import io.jshim.daemon.reaper.Window;
import io.jshim.daemon.spawn.HeldProcess;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.spawn.SpawnException;
import io.jshim.daemon.spawn.SpawnRequest;
import io.jshim.daemon.spawn.Spawner;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task domain: create, start, signal, wait for and delete containers. Knows nothing of gRPC or
 * JNR; failures are {@link ShimException}s whose kind the server maps to a status code.
 */
public final class TaskService {
  private static final Logger log = LoggerFactory.getLogger(TaskService.class);
  private static final int SIGKILL = 9;
  private static final int MAX_SIGNAL = 64;

  private final Spawner spawner;
  private final Reaper reaper;
  private final StdioOpener stdio;
  private final ProcFs proc;
  private final Runnable onShutdown;
  private final BundleReader bundles = new BundleReader();
  private final TaskRegistry registry = new TaskRegistry();

  /**
   * @param onShutdown called when a Shutdown finds no task left
   */
  public TaskService(Spawner spawner, Reaper reaper, StdioOpener stdio, ProcFs proc, Runnable onShutdown) {
    this.spawner = Objects.requireNonNull(spawner, "spawner");
    this.reaper = Objects.requireNonNull(reaper, "reaper");
    this.stdio = Objects.requireNonNull(stdio, "stdio");
    this.proc = Objects.requireNonNull(proc, "proc");
    this.onShutdown = Objects.requireNonNull(onShutdown, "onShutdown");
  }

  /** Creates the task's init process, held before execve. Returns its view (pid, status CREATED). */
  public TaskView create(CreateSpec spec) {
    String id = TaskIds.validate(spec.id());
    if (spec.terminal()) {
      throw ShimException.unimplemented("terminal: true (expected: false; terminals are not supported yet)");
    }
    if (spec.rootfsMounts() > 0) {
      throw ShimException.unimplemented("rootfs: " + spec.rootfsMounts()
          + " mounts (expected: none; put the root filesystem in the bundle, request mounts are not supported yet)");
    }
    BundleConfig config = bundles.read(spec.bundle());
    if (!config.notApplied().isEmpty()) {
      log.warn("task {}: config.json sets fields jshim does not apply yet, running without them: {}", id,
          String.join(", ", config.notApplied()));
    }
    registry.reserve(id);
    try {
      Task task = new Task(id, spec.bundle(), spec.stdio(), config.namespaces().has(Namespace.PID),
          spawnInit(spec, config));
      registry.install(task);
      log.info("created task {} with pid {}", id, task.init().pid());
      return task.view();
    } catch (RuntimeException e) {
      registry.remove(id);
      throw e;
    }
  }

  private ShimProcess spawnInit(CreateSpec spec, BundleConfig config) {
    try (OpenStdio fds = stdio.open(spec.stdio()); Window window = reaper.openWindow()) {
      SpawnRequest request = new SpawnRequest(config.args(), config.env(), config.cwd(), config.uid(), config.gid(),
          config.namespaces(), config.hostname(), config.rootfs(), config.process(), config.linux(), config.filesystem(), List.of(), fds.fds());
      HeldProcess held;
      try {
        held = spawner.spawn(request);
      } catch (SpawnException e) {
        // a workload that got as far as its clone must not outlive the failed create
        e.strandedPid().ifPresent(pid -> window.claim(pid).signal(SIGKILL));
        throw e;
      }
      Child child = window.claim(held.pid());
      return new ShimProcess(held, child);
    }
  }

  /** Lets the init process run its program; returns its pid. */
  public int start(String id, String execId) {
    ShimProcess process = process(id, execId);
    process.start();
    return process.pid();
  }

  /**
   * Sends {@code signal} to the init process, or with {@code all} to every process of the task
   * (its pid namespace when it has one, its process tree otherwise).
   */
  public void kill(String id, String execId, int signal, boolean all) {
    if (signal < 1 || signal > MAX_SIGNAL) {
      throw ShimException.invalidArgument("signal: " + signal + " (expected: 1.." + MAX_SIGNAL + ")");
    }
    Task task = registry.get(id);
    ShimProcess init = process(id, execId);
    init.kill(signal);
    if (all) {
      for (int pid : pids(task)) {
        if (pid != init.pid()) {
          reaper.signal(pid, signal);
        }
      }
    }
  }

  /** Completes with the init process's exit; never blocks the caller. */
  public CompletableFuture<ExitStatus> awaitExit(String id, String execId) {
    return process(id, execId).exited();
  }

  /** Deletes a stopped (or never started) task and completes with its exit. */
  public CompletableFuture<ExitStatus> delete(String id, String execId) {
    ShimProcess init = process(id, execId);
    return init.delete().thenApply(exit -> {
      registry.remove(id);
      log.info("deleted task {} (exit status {})", id, exit.status());
      return exit;
    });
  }

  /** The task's current view. */
  public TaskView state(String id, String execId) {
    process(id, execId);
    return registry.get(id).view();
  }

  /** Pids of the task's processes, the init process first. */
  public List<Integer> pids(String id) {
    return pids(registry.get(id));
  }

  /** The init pid of {@code id}, for Connect; 0 when {@code id} is empty. */
  public int initPid(String id) {
    return id.isEmpty() ? 0 : registry.get(id).init().pid();
  }

  /** How many tasks exist, including ones being created. */
  public int taskCount() {
    return registry.size();
  }

  /** Stops the daemon if no task is left; otherwise does nothing (containerd's rule). */
  public boolean shutdown() {
    if (!registry.isEmpty()) {
      log.info("shutdown requested with {} task(s) left; staying up", registry.size());
      return false;
    }
    onShutdown.run();
    return true;
  }

  private List<Integer> pids(Task task) {
    ShimProcess init = task.init();
    ProcessState state = init.state();
    if (state instanceof ProcessState.Stopped || state instanceof ProcessState.Deleted) {
      return List.of();
    }
    if (task.privatePidNamespace()) {
      List<Integer> members = proc.pidNamespace(init.pid()).map(proc::membersOf).orElse(List.of());
      return initFirst(init.pid(), members);
    }
    return initFirst(init.pid(), proc.processTree(init.pid()));
  }

  private static List<Integer> initFirst(int init, List<Integer> pids) {
    if (!pids.contains(init)) {
      return pids;
    }
    return Stream.concat(Stream.of(init), pids.stream().filter(p -> p != init)).toList();
  }

  private ShimProcess process(String id, String execId) {
    Task task = registry.get(TaskIds.validate(id));
    if (!execId.isEmpty()) {
      throw ShimException.notFound("exec " + execId + " not found in task " + id + " (exec processes are not supported yet)");
    }
    return task.init();
  }
}
