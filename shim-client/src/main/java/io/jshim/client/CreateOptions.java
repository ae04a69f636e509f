package io.jshim.client;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link ShimClient#create(CreateOptions)} needs to create a task.
 *
 * <p>The stdio fields are paths on the daemon's side (files or FIFOs) that the daemon opens itself; an empty string
 * means {@code /dev/null}. With a terminal the workload's pty is copied from {@code stdin} and to {@code stdout}, and
 * {@code stderr} must be empty; the bundle's {@code process.terminal} should say {@code true} as well.
 *
 * @param id the task id
 * @param bundle the OCI bundle directory holding {@code config.json}
 * @param stdin path the workload reads its stdin from, or empty
 * @param stdout path the workload's stdout goes to, or empty
 * @param stderr path the workload's stderr goes to, or empty; empty with a terminal
 * @param terminal whether the workload gets a pty
 */
public record CreateOptions(String id, Path bundle, String stdin, String stdout, String stderr, boolean terminal) {

  /** Checks that no component is {@code null}, that the id is not blank and that a terminal has no stderr path. */
  public CreateOptions {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id: blank (expected: a task id)");
    }
    if (terminal && !stderr.isEmpty()) {
      throw new IllegalArgumentException("stderr: " + stderr
          + " (expected: empty with a terminal, whose pty carries stdout and stderr together)");
    }
  }

  /**
   * Options for a task without a terminal.
   *
   * @param id the task id
   * @param bundle the OCI bundle directory holding {@code config.json}
   * @param stdin path the workload reads its stdin from, or empty
   * @param stdout path the workload's stdout goes to, or empty
   * @param stderr path the workload's stderr goes to, or empty
   */
  public CreateOptions(String id, Path bundle, String stdin, String stdout, String stderr) {
    this(id, bundle, stdin, stdout, stderr, false);
  }

  /**
   * Options for a task whose stdio all goes to {@code /dev/null}.
   *
   * @param id the task id
   * @param bundle the OCI bundle directory
   * @return the options
   */
  public static CreateOptions of(String id, Path bundle) {
    return new CreateOptions(id, bundle, "", "", "", false);
  }

  /**
   * Starts a builder for a task.
   *
   * @param id the task id
   * @param bundle the OCI bundle directory
   * @return a builder with empty stdio paths and no terminal
   */
  public static Builder builder(String id, Path bundle) {
    return new Builder(id, bundle);
  }

  /** Builds {@link CreateOptions}; stdio paths default to empty ({@code /dev/null}), the terminal to none. */
  public static final class Builder {
    private final String id;
    private final Path bundle;
    private String stdin = "";
    private String stdout = "";
    private String stderr = "";
    private boolean terminal;

    private Builder(String id, Path bundle) {
      this.id = Objects.requireNonNull(id, "id");
      this.bundle = Objects.requireNonNull(bundle, "bundle");
    }

    /**
     * Sets the path the workload reads stdin from.
     *
     * @param path a file or FIFO path on the daemon's side, or empty
     * @return this builder
     */
    public Builder stdin(String path) {
      this.stdin = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Sets the path the workload's stdout goes to.
     *
     * @param path a file or FIFO path on the daemon's side, or empty
     * @return this builder
     */
    public Builder stdout(String path) {
      this.stdout = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Sets the path the workload's stderr goes to.
     *
     * @param path a file or FIFO path on the daemon's side, or empty
     * @return this builder
     */
    public Builder stderr(String path) {
      this.stderr = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Sets whether the workload gets a pty.
     *
     * @param terminal {@code true} for a pty
     * @return this builder
     */
    public Builder terminal(boolean terminal) {
      this.terminal = terminal;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     * @throws IllegalArgumentException for a terminal with a stderr path
     */
    public CreateOptions build() {
      return new CreateOptions(id, bundle, stdin, stdout, stderr, terminal);
    }
  }
}
