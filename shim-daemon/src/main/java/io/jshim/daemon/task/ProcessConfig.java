package io.jshim.daemon.task;

import io.jshim.daemon.spawn.KernelAttributes;
import io.jshim.daemon.spawn.ProcessOptions;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An OCI {@code process} object as the daemon acts on it: the init process of a bundle, or an exec.
 *
 * @param env the environment as given (HOME is filled in later, from the container's passwd)
 * @param options rlimits, groups, umask, no_new_privs, OOM score adjustment and capabilities
 * @param terminal whether the process gets a pseudo-terminal
 * @param consoleSize {@code process.consoleSize}: the terminal's size before the program starts
 * @param attributes I/O priority, scheduler, CPU affinity (and for the init personality, domainname, time offsets)
 */
record ProcessConfig(List<String> args, List<String> env, String cwd, int uid, int gid, ProcessOptions options,
    boolean terminal, Optional<ConsoleSize> consoleSize, KernelAttributes attributes) {
  ProcessConfig {
    args = List.copyOf(args);
    env = List.copyOf(env);
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(consoleSize, "consoleSize");
    Objects.requireNonNull(attributes, "attributes");
  }

  /** A terminal's size in columns and rows. */
  record ConsoleSize(int width, int height) {}

  ProcessConfig withEnv(List<String> newEnv) {
    return new ProcessConfig(args, newEnv, cwd, uid, gid, options, terminal, consoleSize, attributes);
  }

  ProcessConfig withAttributes(KernelAttributes newAttributes) {
    return new ProcessConfig(args, env, cwd, uid, gid, options, terminal, consoleSize, newAttributes);
  }
}
