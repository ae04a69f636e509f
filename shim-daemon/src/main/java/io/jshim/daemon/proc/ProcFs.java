package io.jshim.daemon.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/** Reads process facts from /proc: parents, pid namespaces, descendants. */
public final class ProcFs {
  private final Path proc;

  private ProcFs(Path proc) {
    this.proc = proc;
  }

  /** The host's /proc. */
  public static ProcFs host() {
    return new ProcFs(Path.of("/proc"));
  }

  /** The pid namespace of {@code pid}, e.g. {@code pid:[4026531836]}; empty when the process is gone. */
  public Optional<String> pidNamespace(int pid) {
    try {
      return Optional.of(Files.readSymbolicLink(proc.resolve(pid + "/ns/pid")).toString());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The parent pid of {@code pid}; empty when the process is gone. */
  public Optional<Integer> parentOf(int pid) {
    try {
      String stat = Files.readString(proc.resolve(pid + "/stat"));
      // the command name in parentheses may itself contain spaces and parentheses
      String afterName = stat.substring(stat.lastIndexOf(')') + 2);
      String[] fields = afterName.split(" ");
      return Optional.of(Integer.parseInt(fields[1]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The start time of {@code pid} in clock ticks since boot ({@code /proc/PID/stat} field 22): with the pid it
   * names one process for good, as a pid alone does not once the process is gone and its pid reused.
   */
  public OptionalLong startTime(int pid) {
    try {
      String stat = Files.readString(proc.resolve(pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields[0] is field 3 (state)
      return OptionalLong.of(Long.parseLong(fields[19]));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** {@code root} and all its living descendants, sorted. */
  public List<Integer> processTree(int root) {
    Map<Integer, List<Integer>> children = new HashMap<>();
    for (int pid : allPids()) {
      parentOf(pid).ifPresent(parent -> children.computeIfAbsent(parent, k -> new ArrayList<>()).add(pid));
    }
    TreeSet<Integer> tree = new TreeSet<>();
    Deque<Integer> todo = new ArrayDeque<>();
    if (Files.isDirectory(proc.resolve(Integer.toString(root)))) {
      todo.add(root);
    }
    while (!todo.isEmpty()) {
      int pid = todo.poll();
      if (tree.add(pid)) {
        todo.addAll(children.getOrDefault(pid, List.of()));
      }
    }
    return List.copyOf(tree);
  }

  /** Every living process whose pid namespace is {@code namespace}, sorted. */
  public List<Integer> membersOf(String namespace) {
    List<Integer> members = new ArrayList<>();
    for (int pid : allPids()) {
      if (pidNamespace(pid).filter(namespace::equals).isPresent()) {
        members.add(pid);
      }
    }
    return members;
  }

  private List<Integer> allPids() {
    List<Integer> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
          pids.add(Integer.parseInt(name));
        }
      }
    } catch (NoSuchFileException e) {
      return pids;
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + proc + ": " + e.getMessage(), e);
    }
    pids.sort(null);
    return pids;
  }
}
