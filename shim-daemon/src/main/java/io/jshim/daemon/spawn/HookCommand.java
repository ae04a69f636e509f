package io.jshim.daemon.spawn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One OCI hook: a program, run with the container's state JSON on stdin.
 *
 * @param path absolute path of the program (resolved in the namespaces the hook runs in)
 * @param args its argv, {@code args[0]} included; empty for just the path (as runc does it)
 * @param env exactly its environment: nothing is inherited
 * @param timeoutSeconds how long it may run before it is killed and fails; empty for no limit
 */
public record HookCommand(HookKind kind, String path, List<String> args, List<String> env, OptionalInt timeoutSeconds) {
  public HookCommand {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    args = List.copyOf(args);
    env = List.copyOf(env);
    Objects.requireNonNull(timeoutSeconds, "timeoutSeconds");
  }

  /** {@code --hook KIND TIMEOUT PATH NARGS ARG... NENV ENV...} of jshim-spawn (TIMEOUT 0 = none). */
  List<String> helperArgs() {
    List<String> argv = new ArrayList<>(List.of("--hook", kind.ociName(), Integer.toString(timeoutSeconds.orElse(0)),
        path, Integer.toString(args.size())));
    argv.addAll(args);
    argv.add(Integer.toString(env.size()));
    argv.addAll(env);
    return argv;
  }
}
