package io.jshim.daemon.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One of a process's stdio descriptors as CRIU names it. A pipe is named by its inode ({@code pipe:[N]}) and needs
 * nothing at dump time; anything else the daemon opened (/dev/null, a regular file, a FIFO) lies outside the
 * container's mount namespace, so it is dumped as an external file ({@code file[MNT_ID:INODE]}, in hex) and must be
 * given back at restore.
 *
 * @param fd the descriptor number in the process
 * @param key CRIU's name for it, for {@code --external} and {@code --inherit-fd}
 * @param external whether the dump must name it with {@code --external}
 */
public record OpenFile(int fd, String key, boolean external) {
  /** Reads fds 0, 1 and 2 of {@code pid} from {@code /proc}. */
  public static List<OpenFile> stdio(Path proc, int pid) {
    List<OpenFile> files = new ArrayList<>();
    for (int fd = 0; fd <= 2; fd++) {
      files.add(of(proc.resolve(Integer.toString(pid)), fd));
    }
    return files;
  }

  private static OpenFile of(Path process, int fd) {
    Path link = process.resolve("fd").resolve(Integer.toString(fd));
    try {
      String target = Files.readSymbolicLink(link).toString();
      if (target.startsWith("pipe:[")) {
        return new OpenFile(fd, target, false);
      }
      long inode = (Long) Files.getAttribute(link, "unix:ino");
      return new OpenFile(fd, "file[" + Integer.toHexString(mountId(process, fd)) + ":" + Long.toHexString(inode) + "]",
          true);
    } catch (IOException e) {
      throw new UncheckedIOException("read " + link + " (the process's fd " + fd + ")", e);
    }
  }

  private static int mountId(Path process, int fd) throws IOException {
    Path info = process.resolve("fdinfo").resolve(Integer.toString(fd));
    for (String line : Files.readAllLines(info)) {
      if (line.startsWith("mnt_id:")) {
        return Integer.parseInt(line.substring("mnt_id:".length()).trim());
      }
    }
    throw new IOException(info + " has no mnt_id line");
  }
}
