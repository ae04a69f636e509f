package io.jshim.bench.runtime;

import io.grpc.StatusRuntimeException;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.task.v2.WaitResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * How cost grows with work: with L long-running containers ({@code /bin/sleep}, a cgroup each) in the daemon, the
 * latency of Create and the daemon's CPU per container for a series of C=1 lifecycles. The sleepers are added level
 * by level and removed (SIGKILL, Wait, Delete) at the end.
 */
final class LoadProbe {
  /** Threads that start and remove the sleepers (not timed). */
  private static final int SETUP_THREADS = 4;

  /**
   * One load level.
   *
   * @param running        sleepers running during the series
   * @param createMs       Create latency of every measured container
   * @param startMs        Start latency
   * @param waitMs         Wait latency (Start returned to the exit reported)
   * @param deleteMs       Delete latency
   * @param lifecycleMs    Create to Delete of every measured container
   * @param daemonTicks    daemon CPU over the series
   * @param clientTicks    harness CPU over the series
   * @param failures       what went wrong
   */
  record Level(int running, double[] createMs, double[] startMs, double[] waitMs, double[] deleteMs, double[] lifecycleMs, long daemonTicks, long clientTicks, List<String> failures) {}

  private final JshimPath jshim;
  private final JshimDaemon daemon;
  private final Bundles bundles;
  private final String tag;
  private final List<String> sleepers = Collections.synchronizedList(new ArrayList<>());

  LoadProbe(JshimPath jshim, JshimDaemon daemon, Bundles bundles, String tag) {
    this.jshim = jshim;
    this.daemon = daemon;
    this.bundles = bundles;
    this.tag = tag;
  }

  /** Runs {@code warmup} unmeasured lifecycles, then a series of {@code runs} at every level (in increasing order). */
  List<Level> run(List<Integer> levels, int runs, int warmup) throws IOException, InterruptedException {
    daemon.connect(SETUP_THREADS);
    List<Level> out = new ArrayList<>();
    try {
      if (warmup > 0) {
        series("warmup", 0, warmup);
      }
      for (int level : levels) {
        addSleepers(level - sleepers.size());
        System.err.printf("load: %d running, %d C=1 lifecycles%n", sleepers.size(), runs);
        out.add(series("load" + level, level, runs));
      }
    } finally {
      removeSleepers();
    }
    return out;
  }

  private Level series(String label, int running, int runs) throws IOException {
    List<String> ids = new ArrayList<>();
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      String id = tag + "-" + label + "-" + i;
      ids.add(id);
      paths.add(bundles.write("load", id, List.of("/bin/true")));
    }
    double[] create = new double[runs];
    double[] start = new double[runs];
    double[] waited = new double[runs];
    double[] delete = new double[runs];
    double[] lifecycle = new double[runs];
    List<String> failures = new ArrayList<>();
    long daemon0 = jshim.runtimeTicks();
    long client0 = ProcStat.self().own();
    for (int i = 0; i < runs; i++) {
      String id = ids.get(i);
      TaskGrpc.TaskBlockingStub tasks = jshim.tasks(0);
      long t0 = System.nanoTime();
      try {
        tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(paths.get(i).toString()).build());
        long t1 = System.nanoTime();
        tasks.start(StartRequest.newBuilder().setId(id).build());
        long t2 = System.nanoTime();
        WaitResponse exit = tasks.wait(WaitRequest.newBuilder().setId(id).build());
        long t3 = System.nanoTime();
        tasks.delete(DeleteRequest.newBuilder().setId(id).build());
        long t4 = System.nanoTime();
        jshim.deleted(id);
        create[i] = (t1 - t0) / 1e6;
        start[i] = (t2 - t1) / 1e6;
        waited[i] = (t3 - t2) / 1e6;
        delete[i] = (t4 - t3) / 1e6;
        if (exit.getExitStatus() != 0) {
          failures.add("jshim " + id + " exited " + exit.getExitStatus() + " (expected: 0)");
        }
      } catch (StatusRuntimeException e) {
        failures.add("jshim " + id + ": " + e.getStatus());
        jshim.cleanUp(id, null);
      }
      lifecycle[i] = (System.nanoTime() - t0) / 1e6;
    }
    long daemonTicks = jshim.runtimeTicks() - daemon0;
    long clientTicks = ProcStat.self().own() - client0;
    bundles.remove(ids);
    return new Level(running, create, start, waited, delete, lifecycle, daemonTicks, clientTicks, failures);
  }

  private void addSleepers(int count) throws IOException, InterruptedException {
    if (count <= 0) {
      return;
    }
    List<String> ids = new ArrayList<>();
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = tag + "-sleep-" + (sleepers.size() + i);
      ids.add(id);
      paths.add(bundles.write("sleep", id, List.of("/bin/sleep", "100000")));
    }
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    parallel(count, i -> {
      TaskGrpc.TaskBlockingStub tasks = jshim.tasks(threadIndex());
      String id = ids.get(i);
      try {
        jshim.created(id);
        sleepers.add(id);
        tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(paths.get(i).toString()).build());
        tasks.start(StartRequest.newBuilder().setId(id).build());
      } catch (StatusRuntimeException | IllegalStateException e) {
        failures.add(id + ": " + e.getMessage());
      }
    });
    if (!failures.isEmpty()) {
      throw new IllegalStateException(failures.size() + " sleepers did not start, e.g. " + failures.get(0));
    }
  }

  private void removeSleepers() throws InterruptedException {
    List<String> ids = List.copyOf(sleepers);
    System.err.printf("load: removing %d sleepers%n", ids.size());
    parallel(ids.size(), i -> {
      TaskGrpc.TaskBlockingStub tasks = jshim.tasks(threadIndex());
      String id = ids.get(i);
      try {
        tasks.kill(KillRequest.newBuilder().setId(id).setSignal(Spawner.SIGKILL).setAll(true).build());
        tasks.wait(WaitRequest.newBuilder().setId(id).build());
      } catch (StatusRuntimeException e) {
        // not running: Delete still removes it
      }
      try {
        tasks.delete(DeleteRequest.newBuilder().setId(id).build());
        sleepers.remove(id);
        jshim.deleted(id);
      } catch (StatusRuntimeException e) {
        System.err.println("load: Delete " + id + ": " + e.getStatus());
      }
    });
    try {
      bundles.remove(ids);
    } catch (IOException e) {
      System.err.println("load: removing the sleepers' bundles: " + e);
    }
  }

  private static final ThreadLocal<Integer> INDEX = ThreadLocal.withInitial(() -> 0);

  private static int threadIndex() {
    return INDEX.get();
  }

  private static void parallel(int count, IntConsumer task) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < SETUP_THREADS; t++) {
      int index = t;
      Thread thread = new Thread(() -> {
        INDEX.set(index);
        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
          task.accept(i);
        }
      }, "load-setup-" + t);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }
}
