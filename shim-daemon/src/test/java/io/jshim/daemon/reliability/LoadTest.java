package io.jshim.daemon.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.Privileged;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many container lifecycles in one daemon, 50 clients at a time: afterwards the daemon holds no more fds, threads,
 * zombies, task cgroups, mounts or state files than before, and its RSS has grown by less than 10 %.
 * {@code jshim.stress.lifecycles} sets the count (500 by default, 10000 under {@code -Pstress}).
 */
@Tag("privileged")
@Tag("stress")
@Timeout(value = 30, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoadTest {
  private static final int CONCURRENCY = 50;
  /** Thread names are cut to 15 characters by the kernel. */
  private static final String GRPC_EXECUTOR = "grpc-default-ex";
  private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(30);

  @TempDir
  Path dir;

  @Test
  void lifecycles_fiftyConcurrentClients_allExitZeroAndNothingLeaks() throws Exception {
    Privileged.assumeRoot();
    int count = StressSize.lifecycles();
    int warmUpCount = StressSize.warmUp();
    try (ExternalDaemon daemon = ExternalDaemon.start(dir.resolve("daemon"), false)) {
      ProcView proc = new ProcView(daemon.pid());
      Path bundle = new DaemonFixture.BundleBuilder(dir.resolve("bundle"), List.of(Privileged.testbin().toString(), "exit", "0"))
          .namespaces("pid", "uts", "ipc", "mount").write();
      List<String> idleState = Leftovers.tree(daemon.stateDir());
      List<String> idleMounts = proc.mountsUnder(dir);

      Lifecycles.Result warmUp = Lifecycles.run(daemon, bundle, "warm-", warmUpCount, CONCURRENCY);
      assertThat(warmUp.failures()).as("warm-up failures").isEmpty();
      Thread.sleep(2000);
      daemon.gc();
      int fdsBefore = proc.fdCount();
      TreeMap<String, Integer> threadsBefore = proc.threadFamilies();
      long rssBefore = proc.rssKib();

      Lifecycles.Result load = Lifecycles.run(daemon, bundle, "load-", count, CONCURRENCY);

      settle(proc, fdsBefore, threadsBefore);
      daemon.gc();
      int fdsAfter = proc.fdCount();
      TreeMap<String, Integer> threadsAfter = proc.threadFamilies();
      long rssAfter = proc.rssKib();
      System.out.printf("load: %d lifecycles at concurrency %d in %.1f s (%.1f/s; warm-up %d at %.1f/s); daemon fds %d -> %d, "
              + "threads %d -> %d, RSS %d -> %d KiB (%+.1f %%), zombies %d%n",
          count, CONCURRENCY, load.seconds(), load.perSecond(), warmUpCount, warmUp.perSecond(), fdsBefore, fdsAfter,
          sum(threadsBefore), sum(threadsAfter), rssBefore, rssAfter, 100.0 * (rssAfter - rssBefore) / rssBefore,
          proc.zombies().size());

      assertThat(load.failures()).as("failed lifecycles").isEmpty();
      assertThat(fdsAfter).as("daemon fds after %d lifecycles; now: %s", count, proc.fdLinks()).isLessThanOrEqualTo(fdsBefore);
      assertThat(fixedThreads(threadsAfter)).as("daemon threads other than gRPC's executor").isEqualTo(fixedThreads(threadsBefore));
      assertThat(threadsAfter.getOrDefault(GRPC_EXECUTOR, 0)).as("gRPC executor threads, before %s", threadsBefore)
          .isLessThanOrEqualTo(2 * CONCURRENCY);
      assertThat(proc.zombies()).as("zombie children of the daemon").isEmpty();
      // only this test's ids: other daemons on the host may share a hierarchy's jshim directory
      assertThat(Leftovers.taskCgroups(daemon.pid())).as("task cgroups of this test's containers")
          .noneMatch(c -> c.matches(".*/(warm|load)-\\d+"));
      assertThat(proc.mountsUnder(dir)).as("mounts mentioning the test directory").isEqualTo(idleMounts);
      assertThat(Leftovers.tree(daemon.stateDir())).as("state dir").isEqualTo(idleState);
      assertThat(rssAfter - rssBefore).as("RSS growth in KiB (before %d KiB)", rssBefore).isLessThan(rssBefore / 10);
    }
  }

  // exits are reported before the last close of a task's fds and cgroup: give the daemon time to finish those
  private static void settle(ProcView proc, int fds, TreeMap<String, Integer> threads) throws Exception {
    long deadline = System.nanoTime() + SETTLE_NANOS;
    while (System.nanoTime() < deadline
        && (proc.fdCount() > fds || !fixedThreads(proc.threadFamilies()).equals(fixedThreads(threads))
        || !proc.zombies().isEmpty())) {
      Thread.sleep(200);
    }
  }

  // gRPC's default executor is a cached pool: it grows with the calls in flight and shrinks only after 60 s idle
  private static TreeMap<String, Integer> fixedThreads(TreeMap<String, Integer> families) {
    TreeMap<String, Integer> fixed = new TreeMap<>(families);
    fixed.remove(GRPC_EXECUTOR);
    return fixed;
  }

  private static int sum(TreeMap<String, Integer> families) {
    return families.values().stream().mapToInt(Integer::intValue).sum();
  }
}
