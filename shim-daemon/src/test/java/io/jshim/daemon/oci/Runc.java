package io.jshim.daemon.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jshim.daemon.Privileged;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reference runtime: Debian's {@code runc} run from test code, with its state under a private
 * {@code --root} directory.
 *
 * <p>Every call goes through {@code /bin/sh}, which writes runc's exit status to a file: the daemon
 * under test runs in this JVM and reaps every child with {@code waitpid(-1)}, so the exit status the JDK
 * reports for a child it started may be lost (see SocketSecurityTest). The shell is the child; runc is
 * the shell's, and the shell always gets runc's status.
 */
final class Runc {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ObjectNode defaultSpec;

  private final Path binary;
  private final Path stateDir;
  private final Path scratch;
  private final List<String> created = new ArrayList<>();
  private int calls;

  private Runc(Path binary, Path stateDir, Path scratch) {
    this.binary = binary;
    this.stateDir = stateDir;
    this.scratch = scratch;
  }

  /** runc from {@code $PATH}, or empty when it is not installed. */
  static Optional<Path> binary() {
    return Privileged.onPath("runc");
  }

  /** A runc keeping its state in {@code dir/state} and its call files in {@code dir}. */
  static Runc in(Path binary, Path dir) throws IOException {
    return new Runc(binary, Files.createDirectories(dir.resolve("state")), Files.createDirectories(dir));
  }

  /** The outcome of one {@code runc run}: the status runc exited with (the container's), and its stderr. */
  record Result(int exitStatus, String stderr) {}

  /** {@code runc run --bundle BUNDLE ID}: stdin from /dev/null, the container's stdout to {@code stdout}. */
  Result run(Path bundle, String id, Path stdout, Duration timeout) throws IOException {
    created.add(id);
    Path stderr = scratch.resolve(id + ".runc-stderr");
    int status = call(timeout, stdout, stderr, "--root", stateDir.toString(), "run", "--bundle", bundle.toString(), id);
    return new Result(status, Files.readString(stderr, StandardCharsets.UTF_8));
  }

  /**
   * {@code runc create --bundle BUNDLE ID} run in the bundle: stdin from /dev/null, the container's stdout and
   * runc's to {@code stdout}.
   */
  Result create(Path bundle, String id, Path stdout, Duration timeout) throws IOException {
    created.add(id);
    return command(timeout, stdout, bundle, "create", "--bundle", bundle.toString(), id);
  }

  /**
   * {@code runc ARGS...} with this object's state directory ({@code start ID}, {@code delete ID}, {@code state ID})
   * in the directory {@code cwd} (where runc's own hooks start, as under containerd, whose shim runs in the
   * bundle): its stdout and stderr to {@code out}, read back into the result's stderr.
   */
  Result command(Duration timeout, Path out, Path cwd, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("--root", stateDir.toString()));
    all.addAll(List.of(args));
    int status = call(timeout, out, out, cwd, all.toArray(String[]::new));
    return new Result(status, Files.readString(out, StandardCharsets.UTF_8));
  }

  /** {@code runc delete -f} for every container this object ran; runc's own failures are ignored. */
  void deleteAll() throws IOException {
    for (String id : created) {
      Path out = scratch.resolve(id + ".delete-out");
      call(Duration.ofSeconds(20), out, out, "--root", stateDir.toString(), "delete", "--force", id);
    }
    created.clear();
  }

  /** {@code runc --version}, first line. */
  String version() throws IOException {
    Path out = scratch.resolve("version");
    call(Duration.ofSeconds(10), out, out, "--version");
    return Files.readString(out).lines().findFirst().orElse("");
  }

  /** runc's own default config ({@code runc spec}), as a fresh mutable copy. */
  static synchronized ObjectNode defaultSpec(Path binary) throws IOException {
    if (defaultSpec == null) {
      Path dir = Files.createTempDirectory("runc-spec");
      try {
        Runc runc = Runc.in(binary, dir);
        Path out = dir.resolve("spec-out");
        int status = runc.call(Duration.ofSeconds(10), out, out, "spec", "--bundle", dir.toString());
        if (status != 0) {
          throw new IOException("runc spec exited " + status + ": " + Files.readString(out));
        }
        defaultSpec = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
      } finally {
        TestRootfs.deleteTree(dir);
      }
    }
    return defaultSpec.deepCopy();
  }

  private int call(Duration timeout, Path stdout, Path stderr, String... args) throws IOException {
    return call(timeout, stdout, stderr, null, args);
  }

  private int call(Duration timeout, Path stdout, Path stderr, Path cwd, String... args) throws IOException {
    Path statusFile = scratch.resolve("status-" + (++calls));
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
        "\"$@\" </dev/null >\"$STDOUT\" 2>\"$STDERR\"; echo $? >\"$STATUS\"", "sh", binary.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("STDOUT", stdout.toString());
    builder.environment().put("STDERR", stderr.toString());
    builder.environment().put("STATUS", statusFile.toString());
    if (cwd != null) {
      builder.directory(cwd.toFile());
    }
    Process shell = builder.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        if (Files.exists(statusFile)) {
          String text = Files.readString(statusFile);
          if (text.endsWith("\n")) {
            return Integer.parseInt(text.trim());
          }
        }
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // only now: after a normal end the daemon's reaper may have reaped the shell, and its pid be reused
    shell.destroy();
    throw new UncheckedIOException(new IOException("runc " + String.join(" ", args) + ": no exit status after " + timeout));
  }
}
