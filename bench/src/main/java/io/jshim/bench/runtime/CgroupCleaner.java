package io.jshim.bench.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removes the cgroups of one run ({@code /sys/fs/cgroup/HIERARCHY/PARENT}) in every hierarchy, deepest first. */
final class CgroupCleaner {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  private static final int PASSES = 20;

  private CgroupCleaner() {}

  /**
   * Removes {@code parent} (e.g. {@code /jshim-bench/TAG}) and everything below it, then its own parent if that
   * is empty. A runtime may be removing its own cgroups meanwhile, and a cgroup stays busy until its last process is
   * reaped: what is busy is tried again for about 2 s. Returns the cgroups that could not be removed.
   */
  static List<String> remove(String parent) throws IOException, InterruptedException {
    String relative = parent.replaceFirst("^/+", "");
    List<String> left = List.of();
    for (int pass = 0; pass < PASSES; pass++) {
      left = new ArrayList<>();
      for (Path hierarchy : hierarchies()) {
        removeTree(hierarchy.resolve(relative), left);
      }
      if (left.isEmpty()) {
        break;
      }
      Thread.sleep(100);
    }
    for (Path hierarchy : hierarchies()) {
      Path up = hierarchy.resolve(relative).getParent();
      if (!up.equals(hierarchy)) {
        try {
          Files.deleteIfExists(up);
        } catch (IOException notEmptyOrInUse) {
          // another run's cgroups are there
        }
      }
    }
    return left;
  }

  private static void removeTree(Path top, List<String> left) {
    List<Path> dirs;
    try (Stream<Path> walk = Files.walk(top)) {
      dirs = walk.filter(Files::isDirectory).sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
    } catch (NoSuchFileException gone) {
      return;
    } catch (IOException | UncheckedIOException changing) {
      left.add(top + ": changed while listed (" + changing.getMessage() + ")");
      return;
    }
    for (Path dir : dirs) {
      try {
        Files.deleteIfExists(dir); // rmdir: a cgroup directory's files are not real files and go with it
      } catch (IOException e) {
        left.add(dir + ": " + e.getMessage());
      }
    }
  }

  /** /sys/fs/cgroup itself on a cgroup2-only machine, else its hierarchies (cpu, memory, ..., unified). */
  private static List<Path> hierarchies() throws IOException {
    if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
      return List.of(ROOT);
    }
    try (Stream<Path> list = Files.list(ROOT)) {
      return list.filter(p -> Files.isDirectory(p) && !Files.isSymbolicLink(p)).toList();
    }
  }
}
