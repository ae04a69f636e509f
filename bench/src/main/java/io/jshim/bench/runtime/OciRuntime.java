package io.jshim.bench.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code crun run} or {@code runc run}, spawned by the harness and reaped by pid, with its state under a private
 * {@code --root}. Its CPU (and that of the container processes it waited for) reaches this JVM's cutime and cstime
 * when the harness reaps it.
 */
final class OciRuntime implements ContainerPath {
  private final String name;
  private final Path binary;
  private final Path stateDir;
  private final Spawner spawner;
  private final Map<String, String> env;

  OciRuntime(String name, Path binary, Path stateDir, Spawner spawner, Map<String, String> env) throws IOException {
    this.name = name;
    this.binary = binary;
    this.stateDir = Files.createDirectories(stateDir);
    this.spawner = spawner;
    this.env = env;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String run(int thread, String id, Path bundle, Path stderr) {
    int pid = spawner.spawn(List.of(binary.toString(), "--root", stateDir.toString(), "run", "--bundle", bundle.toString(), id),
        env, "/dev/null", stderr.toString(), false);
    int status = spawner.waitFor(pid);
    return status == 0 ? null : name + " run " + id + " " + Spawner.describe(status) + " (expected: exit 0; stderr in " + stderr + ")";
  }

  @Override
  public long runtimeTicks() {
    return ProcStat.self().children();
  }

  @Override
  public void cleanUp(String id, Path stderr) {
    int pid = spawner.spawn(List.of(binary.toString(), "--root", stateDir.toString(), "delete", "-f", id), env,
        "/dev/null", stderr.toString(), false);
    spawner.waitFor(pid);
  }

  /** {@code delete -f} of every container still in the state directory; returns how many there were. */
  int cleanUpAll(Path stderr) throws IOException {
    List<String> left;
    try (Stream<Path> entries = Files.list(stateDir)) {
      left = entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
    }
    left.forEach(id -> cleanUp(id, stderr));
    return left.size();
  }
}
