package io.jshim.daemon.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * posix_spawn while other threads make the GC run: every child gets its whole argv. With jnr-posix's own
 * posix_spawnp the native copies of argv could be freed during the call (EFAULT within 3000 spawns here; under
 * load the helper once got an argv without its program). {@code jshim.stress.spawns} sets the count.
 */
@Tag("stress")
@Timeout(value = 20, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpawnUnderGcTest {
  @Test
  void spawn_whileOtherThreadsForceGcs_everyChildSeesAllItsArguments() throws Exception {
    JnrPosix posix = JnrPosix.load();
    int devnull = posix.open("/dev/null", 2, 0);
    int[] fds = {posix.dupAtLeast(devnull, 10), posix.dupAtLeast(devnull, 10), posix.dupAtLeast(devnull, 10)};
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> churners = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread churn = new Thread(() -> {
        long n = 0;
        while (!stop.get()) {
          byte[] junk = new byte[1 << 16];
          n += junk.length;
          if ((n & ((1 << 24) - 1)) == 0) {
            System.gc();
          }
        }
      });
      churn.start();
      churners.add(churn);
    }
    int bad = 0;
    int runs = Integer.getInteger("jshim.stress.spawns", 100);
    for (int i = 0; i < runs; i++) {
      List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", "[ $# -eq 40 ] || exit 9", "sh"));
      for (int a = 0; a < 40; a++) {
        argv.add("argument-" + a + "-" + i);
      }
      int pid = posix.spawn("/bin/sh", argv, List.of("PATH=/bin"), fds);
      OptionalInt status;
      while ((status = posix.reap(pid)).isEmpty()) {
        Thread.sleep(1);
      }
      if (status.getAsInt() != 0) {
        bad++;
        System.out.println("spawn " + i + ": wait status " + Integer.toHexString(status.getAsInt()));
      }
    }
    stop.set(true);
    for (Thread churn : churners) {
      churn.join();
    }
    posix.close(devnull);
    for (int fd : fds) {
      posix.close(fd);
    }
    System.out.println("SpawnUnderGcTest: " + bad + " of " + runs + " children missed arguments");
    assertThat(bad).isZero();
  }
}
