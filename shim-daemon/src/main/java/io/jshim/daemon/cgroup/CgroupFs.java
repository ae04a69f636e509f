package io.jshim.daemon.cgroup;

import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** File access on a cgroup filesystem, with failures turned into {@link ShimException}s. */
final class CgroupFs {
  private CgroupFs() {}

  /** The file's text, empty if it does not exist (the controller is not there). */
  static Optional<String> read(Path file) {
    try {
      return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw ShimException.internal("cannot read " + file + ": " + reason(e), e);
    }
  }

  /** The file's single number ({@code max} as {@link CgroupStats#UNLIMITED}), empty if missing or not a number. */
  static OptionalLong readNumber(Path file) {
    return read(file).map(CgroupFormats::number).orElse(OptionalLong.empty());
  }

  /** {@link #readNumber} with 0 for a missing file, the way containerd reports absent counters. */
  static long readNumberOrZero(Path file) {
    return readNumber(file).orElse(0);
  }

  /**
   * Writes one value the way the kernel wants it: one {@code write(2)} to an existing file, never creating one
   * (a file that is missing means the controller is, and creating it would only hide that).
   */
  static void write(Path file, String value) throws IOException {
    Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** Writes a control file the daemon itself drives ({@code freezer.state}, {@code cgroup.kill}, ...). */
  static void writeControl(Path file, String value) {
    try {
      write(file, value);
    } catch (IOException e) {
      throw ShimException.internal("cannot write \"" + value + "\" to " + file + ": " + reason(e), e);
    }
  }

  /**
   * Writes a resource value for OCI field {@code field}: a missing or unwritable file is a failed precondition
   * (the controller is not available, or not ours), a refused value an invalid argument with the kernel's reason.
   */
  static void set(Path dir, String file, String value, String field) {
    Path target = dir.resolve(file);
    try {
      write(target, value);
    } catch (IOException e) {
      throw refused(e, target, file, value, field);
    }
  }

  /**
   * {@link #set} of several values in order, one {@code write(2)} each (the kernel reads one value per write, as
   * with one rule per write to {@code devices.allow}) on one open of the file.
   */
  static void setEach(Path dir, String file, List<String> values, String field) {
    Path target = dir.resolve(file);
    String value = values.isEmpty() ? "" : values.get(0);
    try (SeekableByteChannel out = Files.newByteChannel(target, StandardOpenOption.WRITE)) {
      for (String each : values) {
        value = each;
        ByteBuffer bytes = ByteBuffer.wrap(each.getBytes(StandardCharsets.US_ASCII));
        if (out.write(bytes) != bytes.limit()) {
          throw new IOException("short write");
        }
      }
    } catch (IOException e) {
      throw refused(e, target, file, value, field);
    }
  }

  private static ShimException refused(IOException e, Path target, String file, String value, String field) {
    if (e instanceof NoSuchFileException) {
      String controller = file.substring(0, file.indexOf('.'));
      return ShimException.failedPrecondition(field + ": cannot be applied, " + target
          + " does not exist (expected: the " + controller + " controller available for this cgroup)");
    }
    if (e instanceof AccessDeniedException) {
      return ShimException.failedPrecondition(field + ": cannot be applied, writing " + target + " is not permitted"
          + " (expected: the daemon running as root, or owning this cgroup through delegation)");
    }
    return ShimException.invalidArgument(field + ": the kernel refused \"" + value + "\" in " + target + ": "
        + reason(e) + " (expected: a value this kernel and the parent cgroup's limits allow)", e);
  }

  /** Creates {@code leaf} and its missing parents below {@code top}; returns the directories it made, top-down. */
  static List<Path> mkdirs(Path top, Path leaf) {
    List<Path> created = new ArrayList<>();
    try {
      makeWithParents(top, leaf, created);
    } catch (IOException e) {
      removeQuietly(created);
      throw ShimException.internal("cannot create cgroup directory " + leaf + ": " + reason(e), e);
    }
    return created;
  }

  // the leaf first: its parents normally exist already, so one mkdir is the common case
  private static void makeWithParents(Path top, Path dir, List<Path> created) throws IOException {
    if (dir.equals(top) || !dir.startsWith(top)) {
      return;
    }
    try {
      Files.createDirectory(dir);
      created.add(dir);
    } catch (FileAlreadyExistsException e) {
      // an existing cgroup is joined, and kept on destroy
    } catch (NoSuchFileException e) {
      makeWithParents(top, dir.getParent(), created);
      try {
        Files.createDirectory(dir);
        created.add(dir);
      } catch (FileAlreadyExistsException raced) {
        // made by another container's create at the same moment: joined, and kept on destroy
      }
    }
  }

  /** Removes {@code dirs} deepest first, ignoring failures: the undo of a create that failed half-way. */
  static void removeQuietly(List<Path> createdTopDown) {
    for (int i = createdTopDown.size() - 1; i >= 0; i--) {
      try {
        Files.deleteIfExists(createdTopDown.get(i));
      } catch (IOException e) {
        // best effort: the create's own failure is what the caller reports
      }
    }
  }

  /** The pids in {@code dir/cgroup.procs}, none if the cgroup is gone. */
  static List<Integer> procs(Path dir) {
    return read(dir.resolve("cgroup.procs")).map(CgroupFormats::pids).orElse(List.of());
  }

  static String reason(IOException e) {
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return String.valueOf(e.getMessage());
  }
}
