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
      List<Path> found = find(root, name);
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

  // other daemons on the host (tests of other checkouts) add and remove cgroups meanwhile: a vanished one is skipped
  private static List<Path> find(Path root, String name) throws IOException {
    List<Path> found = new java.util.ArrayList<>();
    Files.walkFileTree(root, java.util.Set.of(), 8, new java.nio.file.SimpleFileVisitor<>() {
      @Override
      public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes attrs) {
        if (dir.getFileName() != null && dir.getFileName().toString().equals(name)) {
          found.add(dir);
        }
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof java.nio.file.NoSuchFileException) {
          return java.nio.file.FileVisitResult.CONTINUE;
        }
        throw e;
      }
    });
    return found;
  }
}
