package io.jshim.bench.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removes the cgroups of one run ({@code /sys/fs/cgroup/HIERARCHY/PARENT}) in every hierarchy, deepest first. */
final class CgroupCleaner {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");

  private CgroupCleaner() {}

  /**
   * Removes {@code parent} (e.g. {@code /jshim-bench/TAG}) and everything below it, then its own parent if that
   * is empty. Returns the cgroups that could not be removed (still holding a process).
   */
  static List<String> remove(String parent) throws IOException {
    String relative = parent.replaceFirst("^/+", "");
    List<Path> hierarchies = hierarchies();
    List<String> left = new java.util.ArrayList<>();
    for (Path hierarchy : hierarchies) {
      Path top = hierarchy.resolve(relative);
      if (!Files.isDirectory(top)) {
        continue;
      }
      List<Path> dirs;
      try (Stream<Path> walk = Files.walk(top)) {
        dirs = walk.filter(Files::isDirectory).sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
      }
      for (Path dir : dirs) {
        try {
          Files.delete(dir); // rmdir: a cgroup directory's files are not real files and go with it
        } catch (IOException e) {
          left.add(dir + ": " + e.getMessage());
        }
      }
      Path up = top.getParent();
      if (!up.equals(hierarchy)) {
        try {
          Files.delete(up);
        } catch (IOException notEmptyOrInUse) {
          // another run's cgroups are there
        }
      }
    }
    return left;
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
