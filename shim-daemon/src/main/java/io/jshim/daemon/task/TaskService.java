package io.jshim.daemon.task;

import io.jshim.daemon.cgroup.Cgroup;
import io.jshim.daemon.cgroup.CgroupMode;
import io.jshim.daemon.cgroup.CgroupResources;
import io.jshim.daemon.cgroup.CgroupStats;
import io.jshim.daemon.cgroup.Cgroups;
import io.jshim.daemon.checkpoint.CheckpointOptions;
import io.jshim.daemon.checkpoint.Checkpointer;
import io.jshim.daemon.checkpoint.ExternalMounts;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.LinuxResources;
import io.jshim.daemon.io.ContainerLog;
import io.jshim.daemon.io.LogSpec;
import io.jshim.daemon.io.LogSink;
import io.jshim.daemon.io.ProcessIo;
import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.io.IoLoop;
import io.jshim.daemon.proc.ProcFs;
import io.jshim.daemon.reaper.Child;
import io.jshim.daemon.reaper.ExitStatus;
import io.jshim.daemon.reaper.Reaper;
import io.jshim.daemon.spawn.Filesystem;
import io.jshim.daemon.spawn.HookSetup;
import io.jshim.daemon.spawn.LinuxSetup;
import io.jshim.daemon.spawn.Mount;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.spawn.Namespaces;
import io.jshim.daemon.spawn.Seccomp;
import io.jshim.daemon.spawn.SpawnRequest;
import io.jshim.daemon.spawn.Spawner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
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
  private static final int SIGCONT = 18;
  private static final int MAX_SIGNAL = 64;
  /** Where tasks without linux.cgroupsPath get their cgroup, relative to the daemon's own. */
  private static final String DEFAULT_CGROUP_PARENT = "jshim/";
  /**
   * How long an exit waits for output that has stopped moving: a background process may hold the output pipe
   * open forever, or nobody reads a full FIFO.
   */
  private static final Duration DRAIN_IDLE = Duration.ofSeconds(2);
  /** Where containerd expects a shim to mount the rootfs list, relative to the bundle. */
  static final String ROOTFS_DIR = "rootfs";

  private final Reaper reaper;
  private final Spawner spawner;
  /** The OCI hooks of each task that has any, from Create to Delete. */
  private final Map<String, TaskHooks> hooks = new ConcurrentHashMap<>();
  private final ProcessLauncher launcher;
  private final ProcFs proc;
  private final Runnable onShutdown;
  private final Optional<Cgroups> cgroups;
  private final ContainerLogs logs;
  private final TaskEvents events;
  private final RootfsMounter mounter;
  private final TaskStore store;
  private final Clock clock;
  private final IoLoop ioLoop;
  private final BundleReader bundles = new BundleReader();
  private final UnappliedPolicy unapplied;
  private final TaskRegistry registry = new TaskRegistry();
  private final Checkpointer checkpointer;

  /**
   * @param cgroups the host's cgroups; empty when the daemon may not manage them (not root)
   * @param mounter mounts the rootfs list of a Create
   * @param logRoot the directory container logs must be inside
   * @param events told of every task event (containerd's topics), in order
   * @param store where each task's record is kept from Create to Delete
   * @param onShutdown called when a Shutdown finds no task left
   */
  public TaskService(Spawner spawner, Reaper reaper, IoLoop ioLoop, ProcFs proc, Optional<Cgroups> cgroups,
      RootfsMounter mounter, Path logRoot, Clock clock, TaskEvents events, TaskStore store, Runnable onShutdown) {
    this(spawner, reaper, ioLoop, proc, cgroups, mounter, logRoot, clock, events, store, onShutdown,
        UnappliedPolicy.forHost(java.util.Set.of()));
  }

  /** @param unapplied what to do with config fields jshim does not apply: refuse them, or drop them with a warning */
  public TaskService(Spawner spawner, Reaper reaper, IoLoop ioLoop, ProcFs proc, Optional<Cgroups> cgroups,
      RootfsMounter mounter, Path logRoot, Clock clock, TaskEvents events, TaskStore store, Runnable onShutdown,
      UnappliedPolicy unapplied) {
    this.unapplied = Objects.requireNonNull(unapplied, "unapplied");
    this.mounter = Objects.requireNonNull(mounter, "mounter");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ioLoop = Objects.requireNonNull(ioLoop, "ioLoop");
    this.reaper = Objects.requireNonNull(reaper, "reaper");
    this.spawner = spawner;
    this.launcher = new ProcessLauncher(Objects.requireNonNull(spawner, "spawner"), reaper,
        Objects.requireNonNull(ioLoop, "ioLoop"));
    this.proc = Objects.requireNonNull(proc, "proc");
    this.onShutdown = Objects.requireNonNull(onShutdown, "onShutdown");
    this.cgroups = Objects.requireNonNull(cgroups, "cgroups");
    this.events = Objects.requireNonNull(events, "events");
    this.logs = new ContainerLogs(Objects.requireNonNull(logRoot, "logRoot"), Objects.requireNonNull(clock, "clock"));
    this.checkpointer = Checkpointer.onPath(spawner);
  }

  /** Creates the task's init process, held before execve. Returns its view (pid, status CREATED). */
  public TaskView create(CreateSpec spec) {
    String id = TaskIds.validate(spec.id());
    // before anything is mounted: a second Create of a live id must not touch that task's rootfs
    registry.reserve(id);
    try {
      if (spec.rootfs().isEmpty()) {
        return createReserved(id, spec);
      }
      Path rootfsTarget = spec.bundle().resolve(ROOTFS_DIR);
      // config.json's root.path is normally this directory: it must be mounted before the config is read
      mounter.mount(spec.rootfs(), rootfsTarget);
      try {
        return createReserved(id, spec);
      } catch (RuntimeException e) {
        unmountQuietly(id, rootfsTarget);
        throw e;
      }
    } catch (RuntimeException e) {
      registry.remove(id);
      throw e;
    }
  }

  private void unmountQuietly(String id, Path rootfsTarget) {
    try {
      mounter.unmount(rootfsTarget);
    } catch (RuntimeException e) {
      log.warn("task {}: root filesystem {} left mounted: {}", id, rootfsTarget, e.getMessage());
    }
  }

  private TaskView createReserved(String id, CreateSpec spec) {
    cgroups.ifPresent(Cgroups::prepareJoin);
    BundleConfig config = bundles.read(spec.bundle());
    boolean terminal = spec.terminal() || config.process().terminal();
    List<String> notApplied = new ArrayList<>(config.notApplied());
    config.resources().ifPresent(r -> notApplied.addAll(ResourcesReader.notApplied(r, "linux.resources")));
    if (cgroups.isEmpty() && config.resources().isPresent()) {
      notApplied.add("linux.resources (the daemon has no cgroup access)");
    }
    unapplied.check("task " + id, notApplied);
    Optional<LogSpec> logSpec = LogSpec.fromAnnotations(config.annotations());
    Optional<Cgroup> cgroup = Optional.empty();
    Optional<ContainerLog> containerLog = Optional.empty();
    TaskHooks taskHooks = new TaskHooks(config.hooks(), new HookState(id, spec.bundle(), config.annotations()),
        spec.bundle(), spawner);
    try {
      containerLog = logs.open(id, logSpec);
      cgroup = createCgroup(id, config);
      Filesystem filesystem = CgroupMounts.expand(config.filesystem(), cgroup,
          cgroups.map(Cgroups::mode).orElse(CgroupMode.V1), config.namespaces());
      Task task = new Task(id, spec.bundle(), spec.stdio(), terminal, config.namespaces(), config.rootfs(), cgroup,
          containerLog, !spec.rootfs().isEmpty(), ExecSeccomp.of(config.seccomp()));
      ProcessConfig init = config.process();
      List<String> cgroupDirs = cgroupDirs(cgroup);
      ShimProcess initProcess = spec.checkpoint().isPresent()
          ? restoreInit(task, spec.checkpoint().get(), config, terminal, containerLog, cgroupDirs)
          : launcher.launch(spec.stdio(), terminal, init.consoleSize(),
          containerLog.map(LogSink.class::cast),
          fds -> new SpawnRequest(init.args(), init.env(), init.cwd(), init.uid(), init.gid(), config.namespaces(),
              config.hostname(), config.rootfs(), init.options(), config.linux(), filesystem, cgroupDirs, fds, terminal,
              init.attributes(),
              config.seccomp(),
              taskHooks.initSetup()),
          io -> settleInit(task, io), initHooks(task));
      // held before execve, so unreaped: /proc/PID is this process
      task.setInit(initProcess, proc.startTime(initProcess.pid()).orElse(0L));
      try {
        task.persist(store);
      } catch (RuntimeException e) {
        // no record may appear later for a task that never was (its exit would try to write one)
        task.forget(store);
        initProcess.delete();
        throw e;
      }
      if (!config.hooks().isEmpty()) {
        hooks.put(id, taskHooks);
      }
      registry.install(task);
      events.publish(new TaskEvent.Created(id, spec.bundle(), spec.stdio(), terminal, task.init().pid()));
      log.info("created task {} with pid {}", id, task.init().pid());
      return task.view();
    } catch (RuntimeException e) {
      cgroup.ifPresent(this::destroyQuietly);
      containerLog.ifPresent(logs::close);
      // a failed create is a deleted container: its poststop hooks run (runtime spec, lifecycle step 13; runc too)
      poststopQuietly(id, taskHooks);
      throw e;
    }
  }

  /**
   * The init process of a Create from a checkpoint: restored by CRIU inside the task's cgroup and held stopped; Start
   * lets the whole tree go on (SIGCONT). What CRIU does not restore jshim refuses, before anything runs.
   */
  private ShimProcess restoreInit(Task task, Path image, BundleConfig config, boolean terminal,
      Optional<ContainerLog> containerLog, List<String> cgroupDirs) {
    String id = task.id();
    if (terminal) {
      throw ShimException.invalidArgument("checkpoint: task " + id + " asks for a terminal, which jshim does not "
          + "restore (expected: terminal false in the request and in process.terminal)");
    }
    if (config.namespaces().has(Namespace.USER)) {
      throw ShimException.invalidArgument("checkpoint: task " + id + " has a user namespace, which jshim does not "
          + "restore (expected: no user namespace in linux.namespaces)");
    }
    if (!config.hooks().isEmpty()) {
      throw ShimException.invalidArgument("checkpoint: task " + id + " has OCI hooks, which a restore would not run "
          + "(expected: no hooks in the bundle of a restored task)");
    }
    Optional<String> root = config.namespaces().has(Namespace.MOUNT) ? config.rootfs() : Optional.empty();
    ExternalMounts mounts = externalMounts(config);
    ShimProcess restored = launcher.restore(task.stdio(), containerLog.map(LogSink.class::cast),
        fds -> checkpointer.restore(id, image, Optional.empty(), root, fds, cgroupDirs, mounts),
        pid -> resumeTree(task, pid), io -> settleInit(task, io), initHooks(task));
    log.info("task {}: restored pid {} from checkpoint {}", id, restored.pid(), image);
    return restored;
  }

  // --leave-stopped stops every restored process, not only the init
  private void resumeTree(Task task, int pid) {
    reaper.signal(pid, SIGCONT);
    task.cgroup().ifPresent(c -> {
      for (int member : c.pids()) {
        if (member != pid) {
          reaper.signal(member, SIGCONT);
        }
      }
    });
  }

  private static ExternalMounts externalMounts(BundleConfig config) {
    Map<String, String> binds = new LinkedHashMap<>();
    for (Mount mount : config.filesystem().mounts()) {
      if (mount.isBind()) {
        binds.put(mount.target(), mount.source());
      }
    }
    return new ExternalMounts(binds, List.of());
  }

  /**
   * Dumps a running or paused task's process tree with CRIU into {@code imageDir} (a paused one through its
   * freezer, left paused). By default the task keeps running; with
   * {@code options.exit()} CRIU kills it after the dump, and its exit (137) is relayed as any other. A failed dump
   * leaves the task running as it was and names CRIU's log.
   *
   * @throws ShimException FAILED_PRECONDITION for a task that is not running, is paused without a freezer, has a
   *     terminal, a user namespace or running execs, or when the dump fails
   */
  public void checkpoint(String id, Path imageDir, CheckpointOptions options) {
    Task task = registry.get(TaskIds.validate(id));
    ShimProcess init = task.init();
    if (!(init.state() instanceof ProcessState.Running)) {
      throw ShimException.failedPrecondition("cannot checkpoint task " + id + ": it is " + init.state().name()
          + " (expected: running)");
    }
    // containerd's client pauses every task it checkpoints (and resumes it afterwards)
    Optional<Path> frozenCgroup = Optional.empty();
    if (task.paused()) {
      frozenCgroup = task.cgroup().flatMap(Cgroup::freezerDir);
      if (frozenCgroup.isEmpty()) {
        throw ShimException.failedPrecondition("cannot checkpoint task " + id + ": it is paused and its cgroup has no"
            + " freezer for CRIU to take it through (expected: a running task, or a freezer controller)");
      }
    }
    if (task.terminal()) {
      throw ShimException.failedPrecondition("cannot checkpoint task " + id + ": it has a terminal, which jshim does "
          + "not checkpoint (expected: a task created without a terminal)");
    }
    if (task.namespaces().has(Namespace.USER)) {
      throw ShimException.failedPrecondition("cannot checkpoint task " + id + ": it has a user namespace, which jshim "
          + "does not checkpoint (expected: a task without one)");
    }
    List<Integer> running = task.startedExecs().stream().filter(p -> p.state() instanceof ProcessState.Running)
        .map(ShimProcess::pid).toList();
    if (!running.isEmpty()) {
      throw ShimException.failedPrecondition("cannot checkpoint task " + id + ": exec processes " + running
          + " are running, and CRIU dumps only the init's process tree (expected: no running exec)");
    }
    BundleConfig config = bundles.read(task.bundle());
    ExternalMounts binds = externalMounts(config);
    List<String> maskedFiles = config.linux().maskedPaths().stream()
        .filter(path -> Files.isRegularFile(Path.of("/proc", Integer.toString(init.pid()), "root", path))
            || isCharDevice(Path.of("/proc", Integer.toString(init.pid()), "root", path)))
        .toList();
    try {
      checkpointer.dump(id, init.pid(), imageDir, options, new ExternalMounts(binds.binds(), maskedFiles), frozenCgroup);
    } catch (RuntimeException e) {
      log.warn("task {}: checkpoint to {} failed: {}", id, imageDir, e.getMessage());
      throw e;
    }
    events.publish(new TaskEvent.Checkpointed(id, imageDir));
    log.info("task {}: checkpointed to {}{}", id, imageDir, options.exit() ? " and stopped" : "");
  }

  // a masked file shows as the null device it is bound to
  private static boolean isCharDevice(Path path) {
    try {
      return !Files.isDirectory(path) && Files.exists(path) && !Files.isRegularFile(path);
    } catch (SecurityException e) {
      return false;
    }
  }

  private void poststopQuietly(String id, TaskHooks taskHooks) {
    if (!taskHooks.hasPoststop()) {
      return;
    }
    try {
      taskHooks.poststop();
    } catch (RuntimeException e) {
      log.warn("task {}: a poststop hook failed (the delete goes on): {}", id, e.getMessage());
    }
  }

  private ShimProcess.Hooks initHooks(Task task) {
    String id = task.id();
    return new ShimProcess.Hooks(pid -> events.publish(new TaskEvent.Started(id, pid)),
        exit -> {
          task.initReaped(exit);
          persistQuietly(task);
        },
        exit -> events.publish(new TaskEvent.Exited(id, id, exit)));
  }

  /**
   * Takes back the tasks a previous daemon recorded (at start, before serving): an exited init reports its
   * recorded exit; a running one is found again by pid and start time and watched through a pidfd, its exit
   * status read from the kernel's exit notices (see {@code Reaper#adopt}); one that is gone without a recorded
   * exit is reported with the status the exit witness recorded for it, or {@link ExitStatus#UNKNOWN}. Started exec
   * processes come back the same way.
   * Their stdio pumps, terminals and container logs are not
   * restored (they died with the previous daemon); a FIFO the process writes itself keeps working.
   *
   * @param witnessGrace how long to wait for the witness's record of an init that is gone: zero when no witness of
   *     the previous daemon runs any more (then everything it saw is on disk)
   * @return how many tasks were restored
   */
  public int restore(List<TaskRecord> records, Duration witnessGrace) {
    int restored = 0;
    for (TaskRecord record : records) {
      try {
        restore(record, witnessGrace);
        restored++;
      } catch (RuntimeException e) {
        log.error("task {}: not restored: {}", record.id(), e.getMessage());
      }
    }
    return restored;
  }

  private void restore(TaskRecord record, Duration witnessGrace) {
    String id = TaskIds.validate(record.id());
    registry.reserve(id);
    try {
      Optional<Cgroup> cgroup = record.cgroupsPath().flatMap(path -> cgroups.map(c -> c.reopen(path)));
      List<String> dirs = cgroupDirs(cgroup);
      if (cgroup.isPresent() && !dirs.equals(record.cgroupDirs())) {
        log.warn("task {}: its cgroup resolves to {} now, recorded {}: managed without it", id, dirs,
            record.cgroupDirs());
        cgroup = Optional.empty();
      }
      Task task = new Task(id, record.bundle(), record.stdio(), record.terminal(),
          Namespaces.create(record.namespaces()), record.rootfs(), cgroup, Optional.empty(), record.rootfsMounted(),
          ExecSeccomp.reread(record.bundle()));
      // execs first: the init's exit, perhaps known already, waits for theirs
      for (TaskRecord.ExecRecord exec : record.execs()) {
        task.restoreExec(restoreExec(task, exec, witnessGrace));
      }
      TaskRecord.ProcessRecord init = record.init();
      Child child = restoredChild("task " + id + ": init", init,
          init.phase() == TaskRecord.Phase.RUNNING ? Optional.of(witnessed(id, "", init, witnessGrace))
              : Optional.empty(),
          !witnessGrace.isZero());
      ProcessIo io = closedIo();
      task.setInit(ShimProcess.restored(child, io, init.phase() != TaskRecord.Phase.CREATED,
          exit -> settleInit(task, io), initHooks(task)), init.startTime());
      // an exit learnt just now (gone while unwatched) is recorded, so the next restart reports the same
      persistQuietly(task);
      registry.install(task);
      log.info("restored task {} (init {}, {})", id, init.pid(), child.adopted() ? "running, adopted"
          : init.exit().isPresent() ? "exited with " + init.exit().get().status() : "gone");
    } catch (RuntimeException e) {
      registry.remove(id);
      throw e;
    }
  }

  private ExecProcess restoreExec(Task task, TaskRecord.ExecRecord record, Duration witnessGrace) {
    TaskRecord.ProcessRecord p = record.process();
    Child child = restoredChild("task " + task.id() + ": exec " + record.id(), p,
        p.phase() == TaskRecord.Phase.RUNNING ? Optional.of(witnessed(task.id(), record.id(), p, witnessGrace))
            : Optional.empty(), !witnessGrace.isZero());
    return ExecProcess.restored(record.id(), p.startTime(), exec -> ShimProcess.restored(child, closedIo(),
        p.phase() != TaskRecord.Phase.CREATED, exit -> CompletableFuture.completedFuture(null),
        execHooks(task, exec)));
  }

  // exited and recorded, running and adopted, or gone while no daemon watched: its status from the exit witness,
  // unknown without one
  private Child restoredChild(String what, TaskRecord.ProcessRecord p,
      Optional<Supplier<Optional<ExitStatus>>> witnessed, boolean witnessAlive) {
    return p.exit().map(exit -> reaper.exited(p.pid(), exit))
        .or(() -> adoptIfSame(p.pid(), p.startTime(), witnessed.isPresent() && witnessAlive))
        .orElseGet(() -> witnessed.flatMap(Supplier::get).map(exit -> {
          log.info("{} {} ended while no daemon ran; the exit witness saw status {}", what, p.pid(), exit.status());
          return reaper.exited(p.pid(), exit);
        }).orElseGet(() -> {
          log.warn("{} {} ended while no daemon watched it; its exit status is unknown", what, p.pid());
          return reaper.exited(p.pid(), new ExitStatus(p.pid(), ExitStatus.UNKNOWN, clock.instant()));
        }));
  }

  // the previous daemon's witness writes an exit within its 50 ms settle time: while it lives (a grace above
  // zero), wait that long; otherwise what it saw is on disk already
  private Supplier<Optional<ExitStatus>> witnessed(String id, String execId, TaskRecord.ProcessRecord p,
      Duration grace) {
    return () -> {
      long deadline = System.nanoTime() + grace.toNanos();
      while (true) {
        Optional<ExitStatus> exit = store.witnessedExit(id, execId, p.pid(), p.startTime());
        if (exit.isPresent() || System.nanoTime() >= deadline) {
          return exit;
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
    };
  }

  // the stdio of a restored process: its pumps died with the previous daemon
  private ProcessIo closedIo() {
    ProcessIo io = ProcessIo.open(StdioPaths.none(), false, Optional.empty(), ioLoop);
    io.close();
    return io;
  }

  // the pid still names the recorded process, before and after its pidfd was opened
  private Optional<Child> adoptIfSame(int pid, long startTime, boolean witnessed) {
    if (proc.startTime(pid).orElse(-1) != startTime) {
      return Optional.empty();
    }
    Optional<Child> child = reaper.adopt(pid);
    if (child.isPresent() && (proc.startTime(pid).orElse(-1) != startTime
        // a zombie: it exited before we listened, so only the previous daemon's witness, still running, heard it
        || witnessed && !child.get().pidStillNamesIt())) {
      reaper.release(child.get());
      return Optional.empty();
    }
    return child;
  }

  // after the fact (a start, an exit): the change happened, a record that cannot be written is only logged
  private void persistQuietly(Task task) {
    try {
      task.persist(store);
    } catch (RuntimeException e) {
      log.error("task {}: {}", task.id(), e.getMessage());
    }
  }

  /** Where the task's container log is and how it rotates. */
  public LogSpec logSpec(String id) {
    return containerLogOf(registry.get(TaskIds.validate(id))).spec();
  }

  /** Reopens the task's container log at its path (after an orchestrator moved the file away). */
  public LogSpec reopenLog(String id) {
    ContainerLog containerLog = containerLogOf(registry.get(TaskIds.validate(id)));
    containerLog.reopen();
    return containerLog.spec();
  }

  private static ContainerLog containerLogOf(Task task) {
    return task.containerLog().orElseThrow(() -> ShimException.failedPrecondition("task " + task.id()
        + " has no container log (expected: a task created with the annotation " + LogSpec.ANNOTATION_PATH + ")"));
  }

  private Optional<Cgroup> createCgroup(String id, BundleConfig config) {
    if (cgroups.isEmpty()) {
      if (config.cgroupsPath().isPresent()) {
        throw ShimException.failedPrecondition("linux.cgroupsPath: " + config.cgroupsPath().get()
            + " cannot be created: the daemon has no cgroup access (expected: jshim running as root)");
      }
      return Optional.empty();
    }
    CgroupResources resources = config.resources()
        .map(r -> ResourcesReader.read(r, config.filesystem().devices(), "linux.resources"))
        .orElse(CgroupResources.none());
    return Optional.of(cgroups.get().create(config.cgroupsPath().orElse(DEFAULT_CGROUP_PARENT + id), resources));
  }

  private void destroyQuietly(Cgroup cgroup) {
    try {
      for (int pid : cgroup.pids()) {
        reaper.signal(pid, SIGKILL);
      }
      // destroy waits for the killed processes to leave before it refuses
      cgroup.destroy();
    } catch (RuntimeException e) {
      log.warn("cgroup {} left behind: {}", cgroup.path(), e.getMessage());
    }
  }

  private static List<String> cgroupDirs(Optional<Cgroup> cgroup) {
    return cgroup.map(c -> c.procsDirs().stream().map(Object::toString).toList()).orElse(List.of());
  }

  /**
   * Between the init process's reap and the publication of its exit: no exec starts any more, what is left of
   * a task without its own pid namespace is killed (containerd's rule), and every exec's exit comes first.
   */
  private CompletionStage<?> settleInit(Task task, ProcessIo io) {
    // an OOM kill is on record (and reported) before anyone hears of the exit it caused
    checkOom(task);
    List<CompletableFuture<ExitStatus>> execExits = task.initExited();
    if (!task.privatePidNamespace()) {
      task.cgroup().ifPresent(c -> {
        try {
          c.pids().forEach(pid -> reaper.signal(pid, SIGKILL));
        } catch (RuntimeException e) {
          log.warn("task {}: cannot list cgroup {} to kill what is left: {}", task.id(), c.path(), e.getMessage());
        }
      });
      for (ShimProcess exec : task.startedExecs()) {
        try {
          exec.kill(SIGKILL);
        } catch (ShimException alreadyGone) {
          // exited meanwhile
        }
      }
    }
    return CompletableFuture.allOf(execExits.stream().map(f -> f.exceptionally(e -> null))
        .toArray(CompletableFuture[]::new)).thenCompose(execsGone -> io.drained(DRAIN_IDLE));
  }

  /**
   * Registers an exec process in a running task; nothing runs until {@link #start}.
   *
   * @throws ShimException NOT_FOUND for an unknown task, ALREADY_EXISTS for a known exec id, FAILED_PRECONDITION
   *     for a stopped task, INVALID_ARGUMENT for a bad process spec
   */
  public void exec(String id, ExecRequest request) {
    Task task = registry.get(TaskIds.validate(id));
    String execId = TaskIds.validate(request.execId(), "exec_id");
    task.execSeccomp().forExec(id);
    ProcessConfig config = ProcessReader.read(request.process());
    unapplied.check("task " + id + ": exec " + execId, UnappliedPolicy.present(request.process()));
    boolean terminal = request.terminal() || config.terminal();
    ProcessConfig withHome = config.withEnv(HomeDirectory.withHome(config.env(), task.rootfs(), config.uid()));
    task.addExec(new ExecProcess(execId, withHome, request.stdio(), terminal));
    events.publish(new TaskEvent.ExecAdded(id, execId));
    log.info("task {}: added exec {}", id, execId);
  }

  /** Spawns an exec in every namespace and the cgroup of its task's init process. */
  private ShimProcess spawnExec(Task task, ExecProcess exec) {
    ProcessConfig p = exec.config();
    Optional<Seccomp> seccomp = task.execSeccomp().forExec(task.id());
    List<String> cgroupDirs = cgroupDirs(task.cgroup());
    if (!cgroupDirs.isEmpty()) {
      cgroups.ifPresent(Cgroups::prepareJoin);
    }
    // the namespaces are found through /proc/<init pid>: that pid must be the init's while the helper joins them;
    // the exec is held before execve, so one that joined another process's namespaces is killed before it runs
    ShimProcess spawned = task.init().whileAlive(() -> launcher.launch(exec.stdio(), exec.terminal(), p.consoleSize(),
        Optional.empty(),
        fds -> new SpawnRequest(p.args(), p.env(), p.cwd(), p.uid(), p.gid(), task.namespacesToJoin(), Optional.empty(),
            Optional.empty(), p.options(), LinuxSetup.none(), Filesystem.none(), cgroupDirs, fds, exec.terminal(),
            p.attributes(),
            seccomp,
            HookSetup.none()),
        io -> io.drained(DRAIN_IDLE), execHooks(task, exec)),
        ShimProcess::delete);
    // held before execve, so unreaped: /proc/PID is this process
    exec.spawned(proc.startTime(spawned.pid()).orElse(0L));
    log.info("task {}: started exec {} with pid {}", task.id(), exec.id(), spawned.pid());
    return spawned;
  }

  private ShimProcess.Hooks execHooks(Task task, ExecProcess exec) {
    return new ShimProcess.Hooks(pid -> events.publish(new TaskEvent.ExecStarted(task.id(), exec.id(), pid)),
        exit -> {
          exec.reaped(exit);
          persistQuietly(task);
        },
        exit -> events.publish(new TaskEvent.Exited(task.id(), exec.id(), exit)));
  }

  /** Freezes every process of a running task (cgroup freezer). */
  public void pause(String id) {
    Task task = registry.get(TaskIds.validate(id));
    task.pause(cgroupOf(task, "pause"));
    events.publish(new TaskEvent.Paused(task.id()));
  }

  /** Thaws a paused task. */
  public void resume(String id) {
    Task task = registry.get(TaskIds.validate(id));
    task.resume(cgroupOf(task, "resume"));
    events.publish(new TaskEvent.Resumed(task.id()));
  }

  /** Applies new resource limits to a task's cgroup. */
  public void update(String id, LinuxResources resources) {
    Task task = registry.get(TaskIds.validate(id));
    Cgroup cgroup = cgroupOf(task, "update");
    unapplied.check("task " + id + ": update", ResourcesReader.notApplied(resources, "resources"));
    cgroup.update(ResourcesReader.read(resources, List.of(), "resources"));
  }

  /** The task's cgroup statistics. */
  public CgroupStats stats(String id) {
    Task task = registry.get(TaskIds.validate(id));
    return cgroupOf(task, "read stats of").stats();
  }

  private static Cgroup cgroupOf(Task task, String verb) {
    return task.cgroup().orElseThrow(() -> ShimException.failedPrecondition("cannot " + verb + " task " + task.id()
        + ": it has no cgroup (expected: a daemon running as root, which gives every task one)"));
  }

  /** Lets the init process run its program, or spawns and runs an exec; returns its pid. */
  public int start(String id, String execId) {
    Task task = registry.get(TaskIds.validate(id));
    if (execId.isEmpty()) {
      task.init().start();
      persistQuietly(task);
      poststart(task);
      return task.init().pid();
    }
    ExecProcess exec = task.exec(TaskIds.validate(execId, "exec_id"));
    int pid = task.startExec(exec, () -> spawnExec(task, exec));
    // outside the task's exec lock, which the record takes after its own
    persistQuietly(task);
    return pid;
  }

  // a failing poststart hook stops the container and fails the start (runtime spec, lifecycle step 9)
  private void poststart(Task task) {
    TaskHooks taskHooks = hooks.get(task.id());
    if (taskHooks == null) {
      return;
    }
    try {
      taskHooks.poststart(task.init().pid());
    } catch (RuntimeException e) {
      try {
        task.init().kill(SIGKILL);
      } catch (ShimException alreadyGone) {
        // exited meanwhile
      }
      throw e;
    }
  }

  /**
   * Sends {@code signal} to the init process, or with {@code all} to every process of the task
   * (its pid namespace when it has one, its process tree otherwise).
   */
  public void kill(String id, String execId, int signal, boolean all) {
    if (signal < 1 || signal > MAX_SIGNAL) {
      throw ShimException.invalidArgument("signal: " + signal + " (expected: 1.." + MAX_SIGNAL + ")");
    }
    Task task = registry.get(TaskIds.validate(id));
    if (!execId.isEmpty()) {
      task.exec(TaskIds.validate(execId, "exec_id")).kill(signal);
      return;
    }
    ShimProcess init = task.init();
    init.kill(signal);
    if (all) {
      for (int pid : pids(task)) {
        if (pid != init.pid()) {
          reaper.signal(pid, signal);
        }
      }
    }
    if (signal == SIGKILL) {
      // a frozen process (cgroup v1) only dies once thawed
      task.thawAfterKill();
    }
  }

  /** Completes with the process's published exit; never blocks the caller. */
  public CompletableFuture<ExitStatus> awaitExit(String id, String execId) {
    Task task = registry.get(TaskIds.validate(id));
    if (!execId.isEmpty()) {
      return task.exec(TaskIds.validate(execId, "exec_id")).exited();
    }
    return task.init().exited();
  }

  /** Deletes a stopped (or never started) task and completes with its exit. */
  public CompletableFuture<ExitStatus> delete(String id, String execId) {
    Task task = registry.get(TaskIds.validate(id));
    if (!execId.isEmpty()) {
      ExecProcess exec = task.exec(TaskIds.validate(execId, "exec_id"));
      return exec.delete().thenApply(exit -> {
        task.removeExec(exec.id());
        persistQuietly(task);
        return exit;
      });
    }
    return task.init().delete().thenApply(exit -> {
      task.cgroup().ifPresent(this::destroyQuietly);
      Optional.ofNullable(hooks.remove(id)).ifPresent(h -> poststopQuietly(id, h));
      task.containerLog().ifPresent(logs::close);
      // execs that nobody deleted go with their task
      task.startedExecs().forEach(p -> p.io().close());
      if (task.rootfsMounted()) {
        unmountQuietly(id, task.rootfsTarget());
      }
      task.forget(store);
      registry.remove(id);
      events.publish(new TaskEvent.Deleted(id, id, exit));
      log.info("deleted task {} (exit status {})", id, exit.status());
      return exit;
    });
  }

  /** Sets the window size of a process's terminal. */
  public void resizePty(String id, String execId, int cols, int rows) {
    // 0 is allowed: the kernel takes it as "size unknown", and ctr sends 0x0 when its own terminal reports that
    if (cols < 0 || rows < 0 || cols > 0xffff || rows > 0xffff) {
      throw ShimException.invalidArgument("window size " + cols + "x" + rows + " (expected: width and height 0..65535)");
    }
    spawnedProcess(id, execId, "resize the terminal of").io().resize(cols, rows);
  }

  /** Ends a process's input: end of file on its stdin (a ^D on its terminal). */
  public void closeStdin(String id, String execId) {
    spawnedProcess(id, execId, "close the stdin of").io().closeStdin();
  }

  private ShimProcess spawnedProcess(String id, String execId, String verb) {
    Task task = registry.get(TaskIds.validate(id));
    if (execId.isEmpty()) {
      return task.init();
    }
    ExecProcess exec = task.exec(TaskIds.validate(execId, "exec_id"));
    return exec.process().orElseThrow(() -> ShimException.failedPrecondition("cannot " + verb + " exec " + execId
        + ": it has not been started (expected: started)"));
  }

  /** The task's current view. */
  public TaskView state(String id, String execId) {
    Task task = registry.get(TaskIds.validate(id));
    if (!execId.isEmpty()) {
      return task.view(task.exec(TaskIds.validate(execId, "exec_id")));
    }
    return task.view();
  }

  /** Pids of the task's processes, the init process first. */
  public List<Integer> pids(String id) {
    return pids(registry.get(id));
  }

  /** The init pid of {@code id}, for Connect; 0 when {@code id} is empty. */
  public int initPid(String id) {
    return id.isEmpty() ? 0 : registry.get(id).init().pid();
  }

  /** Looks for OOM kills in every task's cgroup (the daemon calls this periodically). */
  public void checkOom() {
    registry.all().forEach(this::checkOom);
  }

  private void checkOom(Task task) {
    if (task.checkOom()) {
      events.publish(new TaskEvent.Oom(task.id()));
    }
  }

  /** OOM kills seen in all current tasks' cgroups. */
  public long oomKills() {
    return registry.all().stream().mapToLong(t -> t.view().oomKills()).sum();
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
    List<Integer> pids = new ArrayList<>(proc.processTree(init.pid()));
    for (ShimProcess exec : task.startedExecs()) {
      if (exec.state() instanceof ProcessState.Running) {
        pids.addAll(proc.processTree(exec.pid()));
      }
    }
    return initFirst(init.pid(), pids.stream().distinct().toList());
  }

  private static List<Integer> initFirst(int init, List<Integer> pids) {
    if (!pids.contains(init)) {
      return pids;
    }
    return Stream.concat(Stream.of(init), pids.stream().filter(p -> p != init)).toList();
  }
}
