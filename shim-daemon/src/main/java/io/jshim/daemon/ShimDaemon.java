package io.jshim.daemon;

import io.jshim.daemon.cgroup.Cgroups;
import io.jshim.daemon.cgroup.DeviceFilterProgram;
import io.jshim.daemon.config.ShimConfig;
import io.jshim.daemon.events.EventForwarder;
import io.jshim.daemon.events.TtrpcTransport;
import io.jshim.daemon.io.IoLoop;
import io.jshim.daemon.mount.KernelRootfsMounter;
import io.jshim.daemon.proc.ProcFs;
import io.jshim.daemon.reaper.ExitWatch;
import io.jshim.daemon.reaper.Reaper;
import io.jshim.daemon.server.DaemonSnapshot;
import io.jshim.daemon.server.ShimServer;
import io.jshim.daemon.spawn.ForkGate;
import io.jshim.daemon.state.FileTaskStore;
import io.jshim.daemon.spawn.NativeSpawner;
import io.jshim.daemon.sys.DevicePrograms;
import io.jshim.daemon.sys.JnrPosix;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.task.TaskEvents;
import io.jshim.daemon.task.TaskRecord;
import io.jshim.daemon.task.TaskService;
import io.jshim.daemon.task.UnappliedPolicy;
import io.jshim.daemon.ttrpc.SameUser;
import io.jshim.daemon.ttrpc.TtrpcServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: wires the reaper, spawner, task service and server, and runs until shutdown. */
public final class ShimDaemon implements AutoCloseable {
  /** Reported by Connect. */
  public static final String VERSION = "jshim 0.1.0";
  private static final Logger log = LoggerFactory.getLogger(ShimDaemon.class);
  /** containerd's own shims: 5 s per Forward, retries after 1 s, 2 s, ... */
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration EVENT_BACK_OFF = Duration.ofSeconds(1);
  // containerd 2.x asks for the v3 name; its methods and messages are v2's
  /** The previous daemon's witness writes an exit within its 50 ms settle time of the kernel's notice. */
  private static final Duration WITNESS_GRACE = Duration.ofMillis(500);
  private static final Map<String, String> TTRPC_ALIASES = Map.of("containerd.task.v3.Task", "containerd.task.v2.Task");

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ExecutorService completions;
  private final Reaper reaper;
  private final ExitWatch exitWatch;
  private final ForkGate gate;
  private final ShimServer server;
  private final Optional<TtrpcServer> ttrpc;
  private final ScheduledExecutorService timers;
  private final IoLoop ioLoop;
  private final Optional<EventForwarder> events;
  private final SystemdNotifier systemd;
  private final TaskService tasks;
  private final Duration idleShutdownDelay;
  private final Optional<ExitWitness> witness;
  private final NativeSpawner spawner;

  private ShimDaemon(ShimConfig config, Supplier<Cgroups> cgroupsSource) throws IOException {
    Posix posix = JnrPosix.load();
    systemd = new SystemdNotifier(posix, config.notifySocket());
    // before any child exists, so that orphans of our containers come back to us
    posix.setChildSubreaper();
    createPrivateDir(config.stateDir());
    completions = Executors.newFixedThreadPool(2, daemonThreads("jshim-exit"));
    reaper = Reaper.start(posix, completions, Clock.systemUTC());
    exitWatch = ExitWatch.start(posix, reaper);
    gate = ForkGate.create();
    spawner = NativeSpawner.create(posix, gate, config.helper(), config.spawnTimeout());
    DevicePrograms devicePrograms = posix.devicePrograms();
    Optional<Cgroups> cgroups = posix.geteuid() == 0
        ? Optional.of(cgroupsSource.get().withDeviceFilters((dir, program) -> devicePrograms.replace(dir,
            program.instructions(), DeviceFilterProgram.LICENSE)))
        : Optional.empty();
    cgroups.ifPresentOrElse(c -> log.info("cgroups: {}", c.mode()),
        () -> log.info("cgroups: not managed (the daemon is not root); tasks get no cgroup of their own"));
    ioLoop = IoLoop.start(posix);
    events = config.events().map(target -> {
      log.info("task events go to containerd at {} (namespace {})", target.address(), target.namespace());
      return new EventForwarder(new TtrpcTransport(target.address()), target.namespace(), Clock.systemUTC(),
          EVENT_TIMEOUT, EVENT_BACK_OFF);
    });
    idleShutdownDelay = config.idleShutdownDelay();
    FileTaskStore store = FileTaskStore.in(config.stateDir());
    ProcFs proc = ProcFs.host();
    tasks = new TaskService(spawner, reaper, ioLoop, proc, cgroups, new KernelRootfsMounter(posix),
        config.logRoot(), Clock.systemUTC(), events.map(TaskEvents.class::cast).orElse(TaskEvents.NONE),
        store, this::stopWhenIdle, UnappliedPolicy.forHost(config.allowUnapplied()));
    if (!config.allowUnapplied().isEmpty()) {
      log.warn("--allow-unapplied {}: containers that set these fields run WITHOUT them (they affect isolation)",
          String.join(",", config.allowUnapplied().stream().sorted().toList()));
    }
    Optional<ExitWitness.Previous> previousWitness = ExitWitness.previous(posix, proc, config.stateDir());
    List<TaskRecord> records = store.load();
    if (!records.isEmpty()) {
      // before serving: a client that reconnects finds every task it knew
      log.info("restored {} of {} recorded task(s) from {}", tasks.restore(records,
          previousWitness.isPresent() ? WITNESS_GRACE : Duration.ZERO), records.size(), store);
    }
    // the previous witness goes only now: until the tasks were adopted, an exit was its to see
    witness = ExitWitness.start(posix, reaper, proc, config.helper().resolveSibling(ExitWitness.BINARY),
        config.stateDir());
    previousWitness.ifPresent(previous -> previous.retire(posix));
    timers = Executors.newSingleThreadScheduledExecutor(daemonThreads("jshim-timer"));
    // memory.oom_control / memory.events only count: look once a second for kills of non-init processes
    timers.scheduleWithFixedDelay(tasks::checkOom, 1, 1, TimeUnit.SECONDS);
    try {
      server = ShimServer.start(config.socket(), tasks, () -> snapshot(tasks), posix.geteuid(), config.allowedUids(),
          posix.getpid(), VERSION);
    } catch (IOException | RuntimeException e) {
      stopWorkers();
      throw e;
    }
    try {
      ttrpc = config.ttrpcSocket().isEmpty() ? Optional.empty() : Optional.of(TtrpcServer.start(
          config.ttrpcSocket().get(), server.inProcessChannel(), TTRPC_ALIASES,
          new SameUser(posix.geteuid(), posix.getegid())));
    } catch (IOException | RuntimeException e) {
      server.close();
      stopWorkers();
      throw e;
    }
    // only now: systemd orders the units after this one on READY, and they expect the sockets to accept
    systemd.ready(posix.getpid());
  }

  // a Shutdown found no task: stop, after the idle delay if no task was created meanwhile
  private void stopWhenIdle() {
    if (idleShutdownDelay.isZero()) {
      stopped.countDown();
      return;
    }
    log.info("no task left: stopping in {} ms unless one is created", idleShutdownDelay.toMillis());
    timers.schedule(this::stopIfStillIdle, idleShutdownDelay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void stopIfStillIdle() {
    if (tasks.taskCount() > 0) {
      log.info("staying up: {} task(s) created since the Shutdown", tasks.taskCount());
      return;
    }
    int connected = ttrpc.map(TtrpcServer::openConnections).orElse(0);
    if (connected > 0) {
      // containerd connects right after start gave it our address, and only then sends Create: a connection
      // with no task yet is a container on its way
      log.info("no task, but {} ttrpc client(s) connected: looking again in {} ms", connected,
          idleShutdownDelay.toMillis());
      timers.schedule(this::stopIfStillIdle, idleShutdownDelay.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    log.info("still no task after the idle delay: stopping");
    stopped.countDown();
  }

  // undoes the constructor's work up to the servers, when a server cannot start
  private void stopWorkers() {
    exitWatch.close();
    reaper.close();
    completions.shutdownNow();
    timers.shutdownNow();
    ioLoop.close();
  }

  /** Starts a daemon; it serves until {@link #awaitShutdown()} returns. */
  public static ShimDaemon start(ShimConfig config) throws IOException {
    return new ShimDaemon(config, Cgroups::detect);
  }

  /** Like {@link #start(ShimConfig)} on the cgroups of {@code cgroups}, e.g. a cut-down mount table, for tests. */
  static ShimDaemon start(ShimConfig config, Supplier<Cgroups> cgroups) throws IOException {
    return new ShimDaemon(config, cgroups);
  }

  /** The socket the daemon serves. */
  public Path socket() {
    return server.socket();
  }

  /** The ttrpc socket, when the daemon serves one. */
  public Optional<Path> ttrpcSocket() {
    return ttrpc.map(TtrpcServer::socket);
  }

  /** The fork gate's counters. */
  public ForkGate.Stats gateStats() {
    return gate.stats();
  }

  /** Blocks until a Shutdown RPC found no task left, or {@link #close()} was called. */
  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  /** Stops serving; running containers are left alone (they outlive the daemon). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    systemd.stopping();
    witness.ifPresent(ExitWitness::daemonStopping);
    stopped.countDown();
    ttrpc.ifPresent(TtrpcServer::close);
    // what happened before the stop still reaches containerd, within a bound
    events.ifPresent(e -> e.close(Duration.ofSeconds(5)));
    server.close();
    exitWatch.close();
    reaper.close();
    timers.shutdownNow();
    ioLoop.close();
    spawner.close();
    completions.shutdown();
    try {
      completions.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("stopped");
  }

  private DaemonSnapshot snapshot(TaskService tasks) {
    ForkGate.Stats g = gate.stats();
    return new DaemonSnapshot(tasks.taskCount(), reaper.reapedCount(), reaper.orphanCount(), g.forkEntries(),
        g.fdEntries(), g.forkWaits(), g.fdWaits(), g.handoffs(), g.maxBatch(), g.maxHandoffsWaited(),
        g.activeHolders(), Optional.ofNullable(g.activeSide()).map(side -> side.name().toLowerCase(Locale.ROOT)),
        g.forkWaiting(), g.fdWaiting(), tasks.oomKills());
  }

  private static void createPrivateDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  private static ThreadFactory daemonThreads(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
