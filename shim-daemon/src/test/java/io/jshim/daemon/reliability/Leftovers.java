package io.jshim.daemon.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What a daemon may leave behind on the host: task cgroups, and files in directories it was given. */
final class Leftovers {
  private Leftovers() {}

  /**
   * The task cgroup directories below the daemon's own cgroup ({@code <own>/jshim/<id>}, the default
   * {@code cgroupsPath}) in every hierarchy it belongs to, as absolute paths.
   */
  static Set<String> taskCgroups(long daemonPid) throws IOException {
    Set<String> found = new TreeSet<>();
    for (Path parent : ownCgroups(daemonPid)) {
      Path jshim = parent.resolve("jshim");
      if (Files.isDirectory(jshim)) {
        try (Stream<Path> tasks = Files.list(jshim)) {
          tasks.filter(Files::isDirectory).forEach(p -> found.add(p.toString()));
        }
      }
    }
    return found;
  }

  /** The directories of the daemon's own cgroups, one per mounted hierarchy. */
  static List<Path> ownCgroups(long pid) throws IOException {
    List<String[]> mounts = Files.readAllLines(Path.of("/proc", Long.toString(pid), "mountinfo")).stream()
        .map(l -> l.split(" ")).filter(f -> {
          int dash = Arrays.asList(f).indexOf("-");
          return f[dash + 1].equals("cgroup") || f[dash + 1].equals("cgroup2");
        }).toList();
    List<Path> dirs = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
      String[] parts = line.split(":", 3);
      Set<String> controllers = Set.of(parts[1].split(","));
      for (String[] mount : mounts) {
        int dash = Arrays.asList(mount).indexOf("-");
        Set<String> options = Set.of(mount[dash + 3].split(","));
        boolean v2 = mount[dash + 1].equals("cgroup2");
        if (v2 ? parts[1].isEmpty() : !parts[1].isEmpty() && options.containsAll(controllers)) {
          dirs.add(Path.of(mount[4] + (parts[2].equals("/") ? "" : parts[2])));
          break;
        }
      }
    }
    return dirs;
  }

  /** Every path below {@code root} with its type and size, sorted: two snapshots compare with equals. */
  static List<String> tree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.map(p -> {
        String type = Files.isSymbolicLink(p) ? "l" : Files.isDirectory(p) ? "d" : "f";
        return root.relativize(p) + " " + type;
      }).sorted().collect(Collectors.toList());
    }
  }
}
