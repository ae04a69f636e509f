package io.jshim.daemon.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.daemon.Privileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The no-op cgroup move that primes the kernel before a container joins its cgroup. Needs root. */
@Tag("privileged")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AttachPrimerTest {

  @Test
  void prime_onThisHost_movesAThreadAndLeavesEveryThreadInItsCgroup() throws Exception {
    Privileged.assumeRoot();
    Cgroups cgroups = Cgroups.detect();
    Map<String, String> before = threadCgroups();
    AttachPrimer primer = new AttachPrimer(cgroups.hierarchies().get(0));

    primer.prime();
    while (primer.moves() == 0 && !primer.disabled()) {
      Thread.sleep(1);
    }

    assertThat(primer.disabled()).as("priming failed and turned itself off").isFalse();
    Map<String, String> after = threadCgroups();
    String process = Files.readString(Path.of("/proc/self/cgroup"));
    assertThat(primerThreads()).as("the primer's own thread").isNotEmpty()
        .allSatisfy(tid -> assertThat(after.get(tid)).as("cgroups of primer thread " + tid).isEqualTo(process));
    before.keySet().retainAll(after.keySet());
    after.keySet().retainAll(before.keySet());
    assertThat(after).as("every other thread is still in the same cgroups").isEqualTo(before);
  }

  @Test
  void prime_thenNoMore_movesEveryTickForTheHoldAndThenStops() throws Exception {
    Privileged.assumeRoot();
    AttachPrimer primer = new AttachPrimer(Cgroups.detect().hierarchies().get(0));

    primer.prime();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    // a hold of 50 ms at one move per 5 ms: about 10 moves; 3 even on a slow machine
    while (primer.moves() < 3 && !primer.disabled() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(primer.disabled()).as("priming failed and turned itself off").isFalse();
    assertThat(primer.moves()).as("moves while the hold lasts").isGreaterThanOrEqualTo(3);

    Thread.sleep(AttachPrimer.HOLD.toMillis() * 5);
    long afterHold = primer.moves();
    Thread.sleep(AttachPrimer.HOLD.toMillis() * 2);
    assertThat(primer.moves()).as("no moves once the hold is over").isEqualTo(afterHold);

    primer.prime();
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (primer.moves() == afterHold && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(primer.moves()).as("a later prime starts the moves again").isGreaterThan(afterHold);
  }

  @Test
  void prime_hierarchyThisThreadIsNotIn_turnsItselfOffQuietly() throws Exception {
    Privileged.assumeRoot();
    Hierarchy real = Cgroups.detect().hierarchies().get(0);
    Hierarchy unknown = new Hierarchy(real.mount(), Set.of("no-such-controller"), "/");
    AttachPrimer primer = new AttachPrimer(unknown);

    primer.prime();
    while (!primer.disabled()) {
      Thread.sleep(1);
    }

    assertThat(primer.moves()).isZero();
    primer.prime();
    assertThat(primer.moves()).isZero();
  }

  private static List<String> primerThreads() throws IOException {
    List<String> tids = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        // comm is cut to 15 characters
        if (Files.readString(task.resolve("comm")).trim().equals("jshim-cgroup-pr")) {
          tids.add(task.getFileName().toString());
        }
      }
    }
    return tids;
  }

  // thread id -> its /proc/self/task/TID/cgroup
  private static Map<String, String> threadCgroups() throws IOException {
    Map<String, String> result = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          result.put(task.getFileName().toString(), Files.readString(task.resolve("cgroup")));
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    }
    return result;
  }
}
