package io.jshim.daemon;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Facts and guards for tests that need root (namespaces, other uids). */
public final class Privileged {
  private Privileged() {}

  /** Skips the calling test unless it runs as root. */
  public static void assumeRoot() {
    assumeTrue(isRoot(), "needs root: namespaces and subreaper tests run only as root");
  }

  public static boolean isRoot() {
    try {
      String status = Files.readString(Path.of("/proc/self/status"));
      return status.lines().filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[2].equals("0"));
    } catch (IOException e) {
      return false;
    }
  }

  /** The native helper built by the native module. */
  public static Path helper() {
    return Path.of(System.getProperty("jshim.helper", "../native/target/native/jshim-spawn")).toAbsolutePath();
  }

  /** The static multi-call test workload built by the native module. */
  public static Path testbin() {
    return Path.of(System.getProperty("jshim.testbin", "../native/target/native/jshim-testbin")).toAbsolutePath();
  }

  /** The first executable called {@code program} on {@code $PATH} (and in the sbin directories root's PATH has). */
  public static Optional<Path> onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin";
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }
}
