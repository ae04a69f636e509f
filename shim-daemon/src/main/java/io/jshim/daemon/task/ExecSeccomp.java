package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.OciJson;
import io.jshim.daemon.oci.OciSpec;
import io.jshim.daemon.spawn.Seccomp;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The syscall filter every exec of a task gets: its {@code linux.seccomp}, as runc gives an exec the
 * container's filter. A task restored by a later daemon reads it again from its bundle; when that fails the
 * filter is unknown, and execs are refused rather than run unfiltered.
 *
 * @param unknownBecause why the filter is not known; empty when {@code profile} is the task's
 */
record ExecSeccomp(Optional<Seccomp> profile, Optional<String> unknownBecause) {
  ExecSeccomp {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(unknownBecause, "unknownBecause");
  }

  static ExecSeccomp of(Optional<Seccomp> profile) {
    return new ExecSeccomp(profile, Optional.empty());
  }

  static ExecSeccomp unknown(String reason) {
    return new ExecSeccomp(Optional.empty(), Optional.of(reason));
  }

  /** For a restored task: {@code linux.seccomp} of {@code bundle}/config.json again, or why it cannot be read. */
  static ExecSeccomp reread(Path bundle) {
    try {
      OciSpec spec = OciJson.readConfig(bundle.resolve("config.json"));
      return of(SeccompReader.read(spec.linux() == null ? null : spec.linux().seccomp()));
    } catch (RuntimeException e) {
      return unknown("reading it again from " + bundle.resolve("config.json") + " after a daemon restart failed: "
          + e.getMessage());
    }
  }

  /**
   * The filter for an exec of task {@code id}.
   *
   * @throws ShimException FAILED_PRECONDITION when the task's filter is not known
   */
  Optional<Seccomp> forExec(String id) {
    unknownBecause.ifPresent(reason -> {
      throw ShimException.failedPrecondition("task " + id + ": cannot start an exec: the task's linux.seccomp is "
          + "not known (" + reason + "; expected: the bundle's config.json readable, as at create)");
    });
    return profile;
  }
}
