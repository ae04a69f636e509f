package io.jshim.bench.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One timed batch: {@code n} containers of one path run by {@code c} client threads, each taking the next
 * container when its last one ended. The clock starts when the threads are released, CPU is read just before that
 * and after the last thread ended.
 */
final class Batch {
  /**
   * What one batch measured.
   *
   * @param latencyMs    per container: from the start of its run to its end (jshim: Delete returned)
   * @param wallNanos    from the release of the threads to the end of the last container
   * @param runtimeTicks CPU of the runtime side
   * @param clientTicks  CPU of the harness itself (utime + stime)
   * @param machineTicks busy CPU of the whole machine
   * @param failures     what went wrong, one entry per failed container
   */
  record Result(String path, int c, int n, double[] latencyMs, long wallNanos, long runtimeTicks, long clientTicks,
                long machineTicks, List<String> failures) {}

  private static final Set<Thread> RUNNING = ConcurrentHashMap.newKeySet();
  private static volatile boolean stopping;

  private Batch() {}

  /** Lets no client thread take another container and waits (up to {@code timeout}) for the runs under way. */
  static void stopAll(Duration timeout) throws InterruptedException {
    stopping = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread thread : List.copyOf(RUNNING)) {
      thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
  }

  static boolean stopped() {
    return stopping;
  }

  /** Fails once {@link #stopAll} was called: the harness is cleaning up and must not make anything new. */
  static void checkRunning() {
    if (stopping) {
      throw new IllegalStateException("the harness is cleaning up (signal or failure): no new containers");
    }
  }

  static Result run(ContainerPath path, int c, List<String> ids, List<Path> bundles, Path stderr) throws InterruptedException {
    checkRunning();
    int n = ids.size();
    double[] latency = new double[n];
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    CountDownLatch ready = new CountDownLatch(c);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>(c);
    for (int t = 0; t < c; t++) {
      int thread = t;
      Thread worker = new Thread(() -> {
        ready.countDown();
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = next.getAndIncrement(); i < n && !stopping; i = next.getAndIncrement()) {
          long t0 = System.nanoTime();
          String failure;
          try {
            failure = path.run(thread, ids.get(i), bundles.get(i), stderr);
          } catch (RuntimeException e) {
            failure = path.name() + " " + ids.get(i) + ": " + e;
          }
          latency[i] = (System.nanoTime() - t0) / 1e6;
          if (failure != null) {
            failures.add(failure);
            try {
              path.cleanUp(ids.get(i), stderr);
            } catch (RuntimeException e) {
              failures.add("clean-up of " + ids.get(i) + ": " + e);
            }
          }
        }
      }, "client-" + t) {
        @Override
        public void run() {
          try {
            super.run();
          } finally {
            RUNNING.remove(this);
          }
        }
      };
      RUNNING.add(worker);
      worker.start();
      threads.add(worker);
    }
    ready.await();
    long runtime0 = path.runtimeTicks();
    long client0 = ProcStat.self().own();
    long machine0 = ProcStat.machineBusy();
    long t0 = System.nanoTime();
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    long wall = System.nanoTime() - t0;
    long runtime = path.runtimeTicks() - runtime0;
    long client = ProcStat.self().own() - client0;
    long machine = ProcStat.machineBusy() - machine0;
    return new Result(path.name(), c, n, latency, wall, runtime, client, machine, List.copyOf(failures));
  }
}
