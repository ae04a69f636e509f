package io.jshim.daemon.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory tree that stands in for cgroup filesystems: each hierarchy is a directory whose mount line and
 * membership line are written to fake {@code mountinfo} and {@code /proc/self/cgroup} files. Control files
 * are plain files the test creates; a write replaces their content.
 */
final class FakeTree {
  private final Path root;
  private final List<String> mountinfo = new ArrayList<>();
  private final List<String> memberships = new ArrayList<>();
  private int nextId = 1;

  FakeTree(Path root) {
    this.root = root;
  }

  /** Adds a v1 hierarchy for {@code controllers} (comma-separated) at {@code root/name}, the daemon at {@code own}. */
  Path v1(String name, String controllers, String own) {
    Path mount = root.resolve(name);
    mkdirs(mount);
    int id = nextId++;
    mountinfo.add((100 + id) + " 1 0:" + (50 + id) + " / " + mount + " rw - cgroup cgroup rw," + controllers);
    memberships.add(id + ":" + controllers + ":" + own);
    return mount;
  }

  /** Adds the cgroup2 hierarchy at {@code root/name}, the daemon at {@code own}. */
  Path v2(String name, String own) {
    Path mount = root.resolve(name);
    mkdirs(mount);
    mountinfo.add("99 1 0:49 / " + mount + " rw - cgroup2 cgroup2 rw");
    memberships.add("0::" + own);
    return mount;
  }

  Cgroups cgroups() {
    try {
      return Cgroups.at(Files.write(root.resolve("mountinfo"), mountinfo),
          Files.write(root.resolve("self-cgroup"), memberships));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code content} to {@code dir/file}, creating the directory. */
  static void file(Path dir, String file, String content) {
    mkdirs(dir);
    try {
      Files.writeString(dir.resolve(file), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path dir, String file) {
    try {
      return Files.readString(dir.resolve(file)).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
