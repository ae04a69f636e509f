package io.jshim.bench;

import io.jshim.daemon.spawn.ForkGate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One burst: {@code spawners} threads released together by a barrier, each doing {@code perThread}
 * spawns, while {@code fdThreads} threads create fds in a loop from shortly before the release until
 * the last child has been reaped.
 *
 * <p>A latency burst spawns what the daemon spawns ({@code jshim-spawn -- jshim-testbin exit 0}). A
 * probe burst spawns {@code jshim-testbin fdlinks} (directly, or through the helper's sweep for
 * variant d) and counts, in every child, the fds that are the creators' pipes.
 */
final class Burst {

  /** Fixed parameters of every burst of a run. */
  record Shape(int spawners, int perThread, long leadMillis, long timeoutSeconds, long fdIntervalNanos) {}

  /** What one burst measured. */
  record Result(Variant variant, int fdThreads, boolean probe,
                double[] spawnMs, double[] waitMs, double[] insideMs, double[] doneMs, double seconds,
                Histogram fdOps, double fdSeconds,
                Optional<ForkGate.Stats> gate, double cpuBusy,
                Leaks leaks) {
    int spawns() {
      return spawnMs.length;
    }

    double spawnsPerSecond() {
      return spawns() / seconds;
    }

    double fdOpsPerSecond() {
      return fdOps.count() / fdSeconds;
    }
  }

  /**
   * The probe's findings. {@code leakedFds}: fds in the children that are pipes the fd creators made;
   * {@code otherFds}: per child, the other fds above 2 (the JVM's own inheritable fds).
   */
  record Leaks(int children, int childrenLeaking, int leakedFds, int[] otherFds, List<String> otherExample) {
    static final Leaks NONE = new Leaks(0, 0, 0, new int[0], List.of());
  }

  private final NativeOps ops;
  private final Children children;
  private final Shape shape;

  Burst(NativeOps ops, Children children, Shape shape) {
    this.ops = ops;
    this.children = children;
    this.shape = shape;
  }

  Result run(Variant variant, int fdThreads, boolean probe) throws InterruptedException {
    Guard guard = variant.newGuard();
    int total = shape.spawners() * shape.perThread();
    double[] spawnMs = new double[total];
    double[] waitMs = new double[total];
    double[] insideMs = new double[total];
    double[] doneMs = new double[total];
    String[] outputs = new String[total];
    AtomicLong t0 = new AtomicLong(Long.MAX_VALUE);
    AtomicLong lastDone = new AtomicLong(Long.MIN_VALUE);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CyclicBarrier release = new CyclicBarrier(shape.spawners() + 1, () -> t0.set(System.nanoTime()));
    CountDownLatch finished = new CountDownLatch(shape.spawners());

    List<Creator> creators = new ArrayList<>();
    for (int i = 0; i < fdThreads; i++) {
      creators.add(new Creator(guard, variant.atomicFds, probe, shape.fdIntervalNanos(), t0, failure));
    }
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < shape.spawners(); s++) {
      int index = s;
      threads.add(thread("spawner-" + s, () -> {
        try {
          release.await();
          long start = t0.get();
          for (int k = 0; k < shape.perThread(); k++) {
            long attemptStart = k == 0 ? start : System.nanoTime();
            Children.Run r = probe ? children.probe(guard, variant.probeSwept) : children.exitZero(guard);
            int slot = index * shape.perThread() + k;
            spawnMs[slot] = (r.spawnedAt() - attemptStart) / 1e6;
            waitMs[slot] = (r.enteredAt() - attemptStart) / 1e6;
            insideMs[slot] = (r.spawnedAt() - r.enteredAt()) / 1e6;
            doneMs[slot] = (r.doneAt() - attemptStart) / 1e6;
            outputs[slot] = r.output();
            lastDone.accumulateAndGet(r.doneAt(), Math::max);
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
          release.reset();
        } finally {
          finished.countDown();
        }
      }));
    }

    long[] cpuBefore = CpuTimes.read();
    List<Thread> creatorThreads = new ArrayList<>();
    for (int i = 0; i < creators.size(); i++) {
      creatorThreads.add(thread("fd-creator-" + i, creators.get(i)));
    }
    threads.forEach(Thread::start);
    creatorThreads.forEach(Thread::start);
    Thread.sleep(shape.leadMillis()); // the spawns arrive into a running stream of fd creations
    try {
      release.await(shape.timeoutSeconds(), TimeUnit.SECONDS);
    } catch (BrokenBarrierException | java.util.concurrent.TimeoutException e) {
      failure.compareAndSet(null, e);
    }
    boolean completed = finished.await(shape.timeoutSeconds(), TimeUnit.SECONDS);
    long stopAt = System.nanoTime();
    creators.forEach(c -> c.stop(stopAt));
    for (Thread t : creatorThreads) {
      t.join();
    }
    long[] cpuAfter = CpuTimes.read();
    if (!completed) {
      children.killAll();
      throw new IllegalStateException("burst " + variant.letter + " F=" + fdThreads + (probe ? " probe" : "")
          + " did not finish within " + shape.timeoutSeconds() + " s");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("burst " + variant.letter + " F=" + fdThreads + (probe ? " probe" : "")
          + " failed: " + failure.get(), failure.get());
    }

    Histogram fdOps = new Histogram();
    creators.forEach(c -> fdOps.add(c.latencies));
    Leaks leaks = probe ? countLeaks(outputs, creators) : Leaks.NONE;
    Arrays.sort(spawnMs);
    Arrays.sort(waitMs);
    Arrays.sort(insideMs);
    Arrays.sort(doneMs);
    return new Result(variant, fdThreads, probe, spawnMs, waitMs, insideMs, doneMs, (lastDone.get() - t0.get()) / 1e9,
        fdOps, (stopAt - t0.get()) / 1e9, guard.gateStats(), CpuTimes.busy(cpuBefore, cpuAfter), leaks);
  }

  private static Leaks countLeaks(String[] outputs, List<Creator> creators) {
    long[] made = creators.stream().flatMapToLong(c -> Arrays.stream(c.inodes())).sorted().toArray();
    int leaking = 0;
    int leaked = 0;
    int[] other = new int[outputs.length];
    List<String> example = List.of();
    for (int i = 0; i < outputs.length; i++) {
      int mine = 0;
      List<String> others = new ArrayList<>();
      for (FdLinks.Link link : FdLinks.parse(outputs[i]).beyondStdio()) {
        OptionalLong inode = link.pipeInode();
        if (inode.isPresent() && Arrays.binarySearch(made, inode.getAsLong()) >= 0) {
          mine++;
        } else {
          others.add(link.fd() + " -> " + link.target());
        }
      }
      leaked += mine;
      leaking += mine > 0 ? 1 : 0;
      other[i] = others.size();
      if (others.size() > example.size()) {
        example = List.copyOf(others);
      }
    }
    return new Leaks(outputs.length, leaking, leaked, other, example);
  }

  private static Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, "bench-" + name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Creates and closes pipes in a loop: back to back, or one operation every {@code intervalNanos}.
   * Paced, an operation's latency runs from when it was due if the previous one overran its slot (so
   * time spent blocked counts for every operation that fell due meanwhile), otherwise from when it
   * started. Only operations that start inside the burst are recorded.
   */
  private final class Creator implements Runnable {
    private final Guard guard;
    private final boolean atomic;
    private final boolean recordInodes;
    private final long intervalNanos;
    private final AtomicLong t0;
    private final AtomicReference<Throwable> failure;
    private volatile long stopAt = Long.MAX_VALUE;
    private volatile boolean stopped;
    final Histogram latencies = new Histogram();
    private long[] inodes = new long[1024];
    private int inodeCount;

    Creator(Guard guard, boolean atomic, boolean recordInodes, long intervalNanos, AtomicLong t0,
            AtomicReference<Throwable> failure) {
      this.guard = guard;
      this.atomic = atomic;
      this.recordInodes = recordInodes;
      this.intervalNanos = intervalNanos;
      this.t0 = t0;
      this.failure = failure;
    }

    void stop(long at) {
      stopAt = at;
      stopped = true;
    }

    long[] inodes() {
      return Arrays.copyOf(inodes, inodeCount);
    }

    @Override
    public void run() {
      int[] fds = new int[2];
      long due = System.nanoTime();
      long previousEnd = Long.MIN_VALUE;
      try {
        while (!stopped) {
          long now = System.nanoTime();
          while (intervalNanos > 0 && now < due && !stopped) {
            LockSupport.parkNanos(due - now);
            now = System.nanoTime();
          }
          long start = System.nanoTime();
          long from = intervalNanos > 0 && previousEnd > due ? due : start;
          due += intervalNanos;
          if (atomic) {
            ops.pipeCloexec(fds);
          } else {
            Guard.Hold fd = guard.fd();
            try {
              ops.pipeInheritable(fds);
              ops.markCloexec(fds[0]);
              ops.markCloexec(fds[1]);
            } finally {
              fd.close();
            }
          }
          if (recordInodes) { // after the window closed: does not widen it
            if (inodeCount == inodes.length) {
              inodes = Arrays.copyOf(inodes, inodeCount * 2);
            }
            inodes[inodeCount++] = ops.inode(fds[0]);
          }
          ops.close(fds[0]);
          ops.close(fds[1]);
          long end = System.nanoTime();
          previousEnd = end;
          if (from >= t0.get() && from < stopAt) {
            latencies.record(end - from);
          }
        }
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    }
  }
}
