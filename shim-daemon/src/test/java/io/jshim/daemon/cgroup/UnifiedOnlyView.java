package io.jshim.daemon.cgroup;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * This host's cgroup2 mount seen as if it were the only one: copies of {@code /proc/self/mountinfo} and
 * {@code /proc/self/cgroup} holding only the cgroup2 lines, so that {@link Cgroups#at} takes the host for a pure v2
 * one (on a hybrid host too: the unified hierarchy is real, if without controllers).
 *
 * @param mountinfo the filtered mount table
 * @param cgroup the filtered membership
 * @param mountPoint where the (first) cgroup2 hierarchy is mounted
 */
public record UnifiedOnlyView(Path mountinfo, Path cgroup, Path mountPoint) {
  /** Writes the view into {@code dir}; skips the test when the host has no cgroup2 mount. */
  public static UnifiedOnlyView write(Path dir) throws IOException {
    List<String> unified = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .filter(l -> l.contains(" - cgroup2 ")).toList();
    assumeTrue(!unified.isEmpty(), "needs a cgroup2 mount");
    List<String> own = Files.readAllLines(Path.of("/proc/self/cgroup")).stream().filter(l -> l.startsWith("0::"))
        .toList();
    Path mountinfo = Files.write(dir.resolve("mountinfo"), unified);
    Path cgroup = Files.write(dir.resolve("cgroup"), own);
    return new UnifiedOnlyView(mountinfo, cgroup, Path.of(unified.get(0).split(" ")[4]));
  }

  /** The cgroups of this view. */
  public Cgroups cgroups() {
    return Cgroups.at(mountinfo, cgroup);
  }
}
