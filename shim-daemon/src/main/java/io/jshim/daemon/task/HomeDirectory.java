package io.jshim.daemon.task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gives the container a {@code HOME} when its config has none, as runc does: the user's home directory from the
 * container's {@code /etc/passwd}, or {@code /}.
 */
final class HomeDirectory {
  private static final String PASSWD = "etc/passwd";

  private HomeDirectory() {}

  static List<String> withHome(List<String> env, Optional<String> rootfs, int uid) {
    if (env.stream().anyMatch(e -> e.startsWith("HOME="))) {
      return env;
    }
    List<String> result = new ArrayList<>(env);
    result.add("HOME=" + lookup(Path.of(rootfs.orElse("/")), uid).orElse("/"));
    return result;
  }

  private static Optional<String> lookup(Path root, int uid) {
    // read only a real file inside the root: a symlink could point at the host's files
    Path etc = root.resolve("etc");
    Path passwd = root.resolve(PASSWD);
    if (Files.isSymbolicLink(etc) || !Files.isRegularFile(passwd, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      for (String line : Files.readAllLines(passwd)) {
        String[] fields = line.split(":", -1);
        if (fields.length >= 7 && fields[2].equals(Integer.toUnsignedString(uid)) && !fields[5].isEmpty()) {
          return Optional.of(fields[5]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
