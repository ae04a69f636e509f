package io.jshim.daemon.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What {@code /proc} says about one process: its fds, threads, children, memory, mounts and sockets. */
public record ProcView(long pid) {

  /** The number of open fds. */
  public int fdCount() throws IOException {
    try (Stream<Path> fds = Files.list(dir().resolve("fd"))) {
      return (int) fds.count();
    }
  }

  /** The fd targets, e.g. {@code 7 -> socket:[1234]}, sorted by fd. */
  public List<String> fdLinks() throws IOException {
    TreeMap<Integer, String> links = new TreeMap<>();
    try (Stream<Path> fds = Files.list(dir().resolve("fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          links.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
        } catch (NoSuchFileException closedMeanwhile) {
          // an fd closed between the listing and the readlink
        }
      }
    }
    return links.entrySet().stream().map(e -> e.getKey() + " -> " + e.getValue()).toList();
  }

  /** The inodes of the sockets among the open fds. */
  public Set<Long> socketInodes() throws IOException {
    return fdLinks().stream().map(l -> l.substring(l.indexOf("-> ") + 3)).filter(t -> t.startsWith("socket:["))
        .map(t -> Long.parseLong(t.substring(8, t.length() - 1))).collect(Collectors.toSet());
  }

  /** The thread names, digits replaced by {@code #} so that pool members count together, with their counts. */
  public TreeMap<String, Integer> threadFamilies() throws IOException {
    TreeMap<String, Integer> families = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(dir().resolve("task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          families.merge(Files.readString(task.resolve("comm")).trim().replaceAll("\\d+", "#"), 1, Integer::sum);
        } catch (NoSuchFileException endedMeanwhile) {
          // a thread that ended between the listing and the read
        }
      }
    }
    return families;
  }

  public int threadCount() throws IOException {
    return threadFamilies().values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Resident set size in KiB. */
  public long rssKib() throws IOException {
    return Files.readAllLines(dir().resolve("status")).stream().filter(l -> l.startsWith("VmRSS:"))
        .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst()
        .orElseThrow(() -> new IllegalStateException("no VmRSS for pid " + pid));
  }

  /** The children of this process, with their states. */
  public List<Child> children() throws IOException {
    List<Child> children = new ArrayList<>();
    try (Stream<Path> all = Files.list(Path.of("/proc"))) {
      for (Path proc : (Iterable<Path>) all::iterator) {
        if (!proc.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        String stat;
        try {
          stat = Files.readString(proc.resolve("stat"));
        } catch (IOException gone) {
          continue; // exited and reaped between the listing and the read
        }
        // after the comm in parentheses, which may hold spaces: " STATE PPID ..."
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (Long.parseLong(rest[1]) == pid) {
          children.add(new Child(Long.parseLong(proc.getFileName().toString()), rest[0].charAt(0),
              stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))));
        }
      }
    }
    return children;
  }

  /** The children in state Z: exited and not reaped. */
  public List<Child> zombies() throws IOException {
    return children().stream().filter(c -> c.state() == 'Z').toList();
  }

  /** The lines of this process's mountinfo that mention {@code path}. */
  public List<String> mountsUnder(Path path) throws IOException {
    return Files.readAllLines(dir().resolve("mountinfo")).stream().filter(l -> l.contains(path.toString())).toList();
  }

  private Path dir() {
    return Path.of("/proc", Long.toString(pid));
  }

  /** One child process, its state letter and its command name (at most 15 bytes) from {@code /proc/PID/stat}. */
  public record Child(long pid, char state, String comm) {
    /** Whether it is the daemon's exit witness, which lives as long as its daemon (and after). */
    public boolean exitWitness() {
      return "jshim-exit-witness".startsWith(comm) && comm.startsWith("jshim-exit-w");
    }
  }

  /** The children other than the daemon's exit witness: what its containers left behind. */
  public List<Child> childrenButWitness() throws IOException {
    return children().stream().filter(c -> !c.exitWitness()).toList();
  }
}
