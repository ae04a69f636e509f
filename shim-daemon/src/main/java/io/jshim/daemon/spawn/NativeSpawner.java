package io.jshim.daemon.spawn;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.sys.Errnos;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.SysException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Starts workloads through the native helper {@code jshim-spawn}: posix_spawn inside the fork side of
 * the {@link ForkGate}, with the workload's stdio on fds 0-2 and the sync socket on fd 3.
 *
 * <p>The helper clones the workload with CLONE_PARENT, so the daemon is the workload's parent and reaps
 * it directly. The workload closes every fd above 3, reports READY and blocks until released.
 *
 * <p>The helper never runs from its file: the spawner reads it once into a sealed memfd and executes that
 * ({@code /proc/self/fd/N}). A held workload is a process of the container that runs the helper's code, so
 * its {@code /proc/PID/exe} leads to whatever the helper runs from; a sealed copy cannot be written by anyone,
 * so a container cannot overwrite the host's binary through it (CVE-2019-5736). The helper also makes itself
 * non-dumpable, so that without CAP_SYS_PTRACE the link cannot even be opened.
 */
public final class NativeSpawner implements Spawner, AutoCloseable {
  private static final int SYNC_FD = 3;
  private static final String COPY_NAME = "jshim-spawn";

  private final Posix posix;
  private final ForkGate gate;
  private final Path helper;
  private final int sealedCopy;
  private final String executable;
  private final Duration timeout;
  /** Written under the fd side of the gate, read under the fork side. */
  private volatile boolean closed;

  private NativeSpawner(Posix posix, ForkGate gate, Path helper, int sealedCopy, Duration timeout) {
    this.posix = posix;
    this.gate = gate;
    this.helper = helper;
    this.sealedCopy = sealedCopy;
    this.executable = "/proc/self/fd/" + sealedCopy;
    this.timeout = timeout;
  }

  /**
   * @param helper path of the {@code jshim-spawn} binary, read once now: a later change of the file does not
   *     reach this spawner
   * @param timeout how long the helper and workload may take to report each step
   */
  public static NativeSpawner create(Posix posix, ForkGate gate, Path helper, Duration timeout) {
    Objects.requireNonNull(helper, "helper");
    Objects.requireNonNull(posix, "posix");
    if (!Files.isExecutable(helper)) {
      throw new IllegalArgumentException("helper: " + helper + " (expected: an executable jshim-spawn binary)");
    }
    byte[] content;
    try {
      content = Files.readAllBytes(helper);
    } catch (IOException e) {
      throw new UncheckedIOException("read the helper " + helper, e);
    }
    return new NativeSpawner(posix, Objects.requireNonNull(gate, "gate"), helper.toAbsolutePath(),
        posix.sealedCopy(COPY_NAME, content), Objects.requireNonNull(timeout, "timeout"));
  }

  /** Closes the sealed copy once no spawn runs; a spawn after this fails. */
  @Override
  public void close() {
    // the fd side excludes every fork: no spawn is between its check of closed and its exec of the copy,
    // whose number could otherwise name another file by then
    try (ForkGate.Ticket ticket = gate.enter(ForkGate.Side.FD)) {
      if (!closed) {
        closed = true;
        posix.closeQuietly(sealedCopy);
      }
    }
  }

  @Override
  public HeldProcess spawn(SpawnRequest request) {
    int[] pair = posix.socketPair();
    SyncChannel sync = new SyncChannel(posix, pair[0]);
    try {
      startHelper(helperArgs(request), request.env(), request.stdio(), pair[1]);
      return awaitReady(sync, request.hooks());
    } catch (RuntimeException e) {
      sync.close();
      throw e;
    }
  }

  private void startHelper(List<String> argv, List<String> env, int[] stdio, int childEnd) {
    startHelper(argv, env, stdio, childEnd, List.of());
  }

  /** {@code extra} become the helper's fds 4, 5, ... */
  private void startHelper(List<String> argv, List<String> env, int[] stdio, int childEnd, List<Integer> extra) {
    List<Integer> lowCopies = new ArrayList<>();
    try {
      int[] source = new int[SYNC_FD + 1 + extra.size()];
      source[0] = stdio[0];
      source[1] = stdio[1];
      source[2] = stdio[2];
      source[SYNC_FD] = childEnd;
      for (int i = 0; i < extra.size(); i++) {
        source[SYNC_FD + 1 + i] = extra.get(i);
      }
      int[] fds = new int[source.length];
      for (int i = 0; i < source.length; i++) {
        // a source inside the target range could be clobbered by an earlier dup2 of the spawn's file actions
        fds[i] = source[i] >= source.length ? source[i] : posix.dupAtLeast(source[i], source.length);
        if (fds[i] != source[i]) {
          lowCopies.add(fds[i]);
        }
      }
      try (ForkGate.Ticket ticket = gate.enter(ForkGate.Side.FORK)) {
        if (closed) {
          throw ShimException.failedPrecondition("cannot start a process: the daemon is stopping");
        }
        posix.spawn(executable, argv, env, fds);
      }
    } finally {
      // the helper and the workload hold the only copies of the child end we want alive:
      // closing ours makes EOF on the sync socket mean "execve succeeded"
      posix.closeQuietly(childEnd);
      lowCopies.forEach(posix::closeQuietly);
    }
  }

  private List<String> helperArgs(SpawnRequest request) {
    List<String> argv = new ArrayList<>();
    argv.add(helper.toString());
    Namespaces namespaces = request.namespaces();
    if (!namespaces.created().isEmpty()) {
      argv.add("--ns");
      argv.add(namespaces.created().stream().map(Namespace::ociName).collect(Collectors.joining(",")));
    }
    namespaces.joined().forEach((ns, path) -> argv.addAll(List.of("--join", ns.ociName() + "=" + path)));
    if (!namespaces.uidMappings().isEmpty()) {
      argv.addAll(List.of("--uid-map", mappings(namespaces.uidMappings()), "--gid-map", mappings(namespaces.gidMappings())));
    }
    request.cgroupDirs().forEach(dir -> argv.addAll(List.of("--cgroup", dir)));
    request.hostname().ifPresent(h -> {
      argv.add("--hostname");
      argv.add(h);
    });
    request.rootfs().ifPresent(r -> {
      argv.add("--root");
      argv.add(r);
    });
    argv.add("--cwd");
    argv.add(request.cwd());
    argv.add("--uid");
    argv.add(Integer.toString(request.uid()));
    argv.add("--gid");
    argv.add(Integer.toString(request.gid()));
    if (request.linux().readonlyRoot()) {
      argv.add("--root-readonly");
    }
    Filesystem fs = request.filesystem();
    for (Mount mount : fs.mounts()) {
      argv.addAll(List.of("--mount", mount.type(), mount.source(), mount.target(), hex(mount.flags()),
          hex(mount.propagation()), mount.data()));
    }
    for (Device device : fs.devices()) {
      argv.addAll(List.of("--device", device.path(), String.valueOf(device.type()), Long.toString(device.major()),
          Long.toString(device.minor()), "0" + Integer.toOctalString(device.mode()), Integer.toString(device.uid()),
          Integer.toString(device.gid())));
    }
    if (fs.devLinks()) {
      argv.add("--dev-links");
    }
    fs.rootPropagation().ifPresent(flags -> argv.addAll(List.of("--rootfs-propagation", hex(flags))));
    request.linux().sysctl().forEach((key, value) -> argv.addAll(List.of("--sysctl", key + "=" + value)));
    request.linux().maskedPaths().forEach(path -> argv.addAll(List.of("--masked", path)));
    request.linux().readonlyPaths().forEach(path -> argv.addAll(List.of("--readonly", path)));
    ProcessOptions process = request.process();
    process.oomScoreAdj().ifPresent(adj -> {
      argv.add("--oom-score-adj");
      argv.add(Integer.toString(adj));
    });
    for (Rlimit rlimit : process.rlimits()) {
      argv.add("--rlimit");
      argv.add(rlimit.helperArgument());
    }
    if (!process.additionalGids().isEmpty()) {
      argv.add("--groups");
      argv.add(process.additionalGids().stream().map(String::valueOf).collect(Collectors.joining(",")));
    }
    process.capabilities().ifPresent(caps -> {
      argv.addAll(List.of("--cap-bounding", CapabilitySets.mask(caps.bounding()),
          "--cap-effective", CapabilitySets.mask(caps.effective()),
          "--cap-permitted", CapabilitySets.mask(caps.permitted()),
          "--cap-inheritable", CapabilitySets.mask(caps.inheritable()),
          "--cap-ambient", CapabilitySets.mask(caps.ambient())));
    });
    process.umask().ifPresent(mask -> {
      argv.add("--umask");
      argv.add("0" + Integer.toOctalString(mask));
    });
    if (process.noNewPrivileges()) {
      argv.add("--no-new-privs");
    }
    if (request.console()) {
      argv.add("--console");
    }
    argv.addAll(request.attributes().helperArguments());
    request.seccomp().ifPresent(filter -> argv.addAll(List.of("--seccomp", filter.helperArgument())));
    HookSetup hooks = request.hooks();
    hooks.inContainer().forEach(hook -> argv.addAll(hook.helperArgs()));
    if (!hooks.inContainer().isEmpty()) {
      argv.addAll(List.of("--hook-state", hooks.state()));
    }
    if (hooks.atStop().isPresent()) {
      argv.add("--hooks-pause");
    }
    argv.add("--");
    argv.addAll(request.args());
    return argv;
  }

  private static String hex(long value) {
    return "0x" + Long.toHexString(value);
  }

  private static String mappings(List<IdMapping> mappings) {
    return mappings.stream().map(IdMapping::helperArgument).collect(Collectors.joining(","));
  }

  /**
   * The helper reports PID and the workload READY (or ERROR), in either order; before READY the workload may stop
   * at HOOKS (perhaps before the PID record is in), and goes on once the daemon's hooks have run.
   */
  private HeldProcess awaitReady(SyncChannel sync, HookSetup hooks) {
    OptionalInt pid = OptionalInt.empty();
    OptionalInt console = OptionalInt.empty();
    boolean ready = false;
    boolean stopped = false;
    try {
      while (pid.isEmpty() || !ready) {
        if (stopped && pid.isPresent()) {
          stopped = false;
          runStop(hooks, pid.getAsInt());
          sync.sendHooksDone();
        }
        Optional<SyncRecord> next = nextRecord(sync, pid);
        if (next.isEmpty()) {
          throw new SpawnException(SpawnStage.SYNC, 0,
              "the helper exited before " + (pid.isEmpty() ? "reporting a pid" : "the workload was ready"), pid);
        }
        SyncRecord record = next.get();
        switch (record.type()) {
          case PID -> pid = OptionalInt.of(record.value());
          case READY -> ready = true;
          case CONSOLE -> console = sync.takeReceivedFd();
          case HOOKS -> stopped = true;
          case ERROR -> throw new SpawnException(SpawnStage.of(record.value()), record.errno(), record.message(), pid);
        }
      }
    } catch (RuntimeException e) {
      console.ifPresent(posix::closeQuietly);
      throw e;
    }
    return new Held(pid.getAsInt(), sync, console);
  }

  private static void runStop(HookSetup hooks, int pid) {
    HookSetup.Stop stop = hooks.atStop().orElseThrow(() -> new SpawnException(SpawnStage.SYNC, 0,
        "the workload stopped for hooks it was not given", OptionalInt.of(pid)));
    try {
      stop.run(pid);
    } catch (SpawnException e) {
      throw new SpawnException(e.stage(), e.errno(), e.detail(), OptionalInt.of(pid));
    } catch (RuntimeException e) {
      throw new SpawnException(SpawnStage.HOOK, 0, e.getMessage(), OptionalInt.of(pid));
    }
  }

  @Override
  public void runHooks(List<HookCommand> hooks, String state, String cwd) {
    if (hooks.isEmpty()) {
      return;
    }
    List<String> argv = new ArrayList<>(List.of(helper.toString(), "--run-hooks", "--hook-state", state, "--hook-cwd",
        cwd));
    hooks.forEach(hook -> argv.addAll(hook.helperArgs()));
    runToCompletion(argv, List.of(), List.of(), hookLimit(hooks), SpawnStage.HOOK, "the hook runner");
  }

  @Override
  public void run(ProgramRun run) {
    List<String> argv = new ArrayList<>(List.of(helper.toString(), "--run"));
    run.cgroupDirs().forEach(dir -> argv.addAll(List.of("--cgroup", dir)));
    argv.addAll(List.of("--fds", Integer.toString(run.fds().size()), "--timeout",
        Long.toString(run.timeout().toSeconds())));
    run.bindSelf().ifPresent(dir -> argv.addAll(List.of("--bind-self", dir)));
    argv.add("--");
    argv.add(run.path());
    argv.addAll(run.args());
    // the helper kills the program at its timeout and then reports; without one it may take as long as it likes
    Duration limit = run.timeout().isZero() ? Duration.ofDays(1) : timeout.plus(run.timeout());
    runToCompletion(argv, List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), run.fds(),
        limit, SpawnStage.RUN, "the helper running " + run.path());
  }

  /**
   * Starts the helper with {@code argv} (stdio on /dev/null, {@code fds} passed on) and waits up to {@code limit}
   * for its one report: READY, or an ERROR thrown as the helper's own stage.
   *
   * @param timeoutStage the stage a report that does not come in time is blamed on
   * @param who the helper's part, for messages
   */
  private void runToCompletion(List<String> argv, List<String> env, List<Integer> fds, Duration limit,
      SpawnStage timeoutStage, String who) {
    int nul = posix.open("/dev/null", Posix.O_RDWR, 0);
    int[] pair;
    try {
      pair = posix.socketPair();
    } catch (RuntimeException e) {
      posix.closeQuietly(nul);
      throw e;
    }
    try (SyncChannel sync = new SyncChannel(posix, pair[0])) {
      try {
        startHelper(argv, env, new int[] {nul, nul, nul}, pair[1], fds);
      } finally {
        posix.closeQuietly(nul);
      }
      Optional<SyncRecord> outcome;
      try {
        outcome = sync.next(limit);
      } catch (SysException e) {
        if (e.errno() == Errnos.EAGAIN) {
          throw new SpawnException(timeoutStage, 0, "no word from " + who + " within " + limit.toMillis() + " ms",
              OptionalInt.empty());
        }
        throw e;
      }
      SyncRecord record = outcome.orElseThrow(() -> new SpawnException(SpawnStage.SYNC, 0,
          who + " exited without reporting its outcome", OptionalInt.empty()));
      if (record.type() == SyncRecord.Type.ERROR) {
        throw new SpawnException(SpawnStage.of(record.value()), record.errno(), record.message(), OptionalInt.empty());
      }
      if (record.type() != SyncRecord.Type.READY) {
        throw new SpawnException(SpawnStage.SYNC, 0, who + " sent a " + record.type()
            + " record (expected: READY or ERROR)", OptionalInt.empty());
      }
    }
  }

  // the helper kills a hook at its timeout; without one a hook may run as long as it likes, as with runc
  private Duration hookLimit(List<HookCommand> hooks) {
    if (hooks.stream().anyMatch(h -> h.timeoutSeconds().isEmpty())) {
      return Duration.ofDays(1);
    }
    return timeout.plusSeconds(hooks.stream().mapToLong(h -> h.timeoutSeconds().getAsInt()).sum());
  }

  private Optional<SyncRecord> nextRecord(SyncChannel sync, OptionalInt pid) {
    try {
      return sync.next(timeout);
    } catch (SysException e) {
      if (e.errno() == Errnos.EAGAIN) {
        throw new SpawnException(SpawnStage.SYNC, e.errno(),
            "no word from the helper within " + timeout.toMillis() + " ms", pid);
      }
      throw e;
    }
  }

  /** The daemon's hold on one workload. */
  private final class Held implements HeldProcess {
    private final int pid;
    private final SyncChannel sync;
    private OptionalInt console;
    private boolean released;

    Held(int pid, SyncChannel sync, OptionalInt console) {
      this.pid = pid;
      this.sync = sync;
      this.console = console;
    }

    @Override
    public synchronized OptionalInt takeConsole() {
      OptionalInt taken = console;
      console = OptionalInt.empty();
      return taken;
    }

    @Override
    public int pid() {
      return pid;
    }

    @Override
    public void release() {
      if (released) {
        throw ShimException.failedPrecondition("process " + pid + " was already released once (expected: a single start)");
      }
      released = true;
      try {
        sync.sendGo();
        Optional<SyncRecord> outcome = nextRecord(sync, OptionalInt.of(pid));
        if (outcome.isPresent()) {
          SyncRecord record = outcome.get();
          throw new SpawnException(SpawnStage.of(record.value()), record.errno(), record.message(), OptionalInt.empty());
        }
      } finally {
        sync.close();
      }
    }

    @Override
    public void abandon() {
      sync.close();
      takeConsole().ifPresent(posix::closeQuietly);
    }
  }
}
