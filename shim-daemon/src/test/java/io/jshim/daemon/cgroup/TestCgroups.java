package io.jshim.daemon.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/** Names and clean-up for tests that make real cgroups. */
final class TestCgroups {
  private TestCgroups() {}

  /** A fresh name, {@code jshim-test-<random>}, that {@code find /sys/fs/cgroup -name 'jshim-test*'} finds. */
  static String uniqueName() {
    return "jshim-test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Removes every directory named {@code name} below {@code roots} (and their sub-directories), deepest first:
   * the safety net after a failed test. Processes still inside are the test's to kill first.
   */
  static void removeAll(List<Path> roots, String name) throws IOException {
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      List<Path> found;
      try (Stream<Path> walk = Files.find(root, 8, (p, a) -> a.isDirectory() && p.getFileName() != null
          && p.getFileName().toString().equals(name))) {
        found = walk.toList();
      }
      for (Path top : found) {
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(top)) {
          dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
        }
        for (Path dir : dirs) {
          Files.deleteIfExists(dir);
        }
      }
    }
  }
}
