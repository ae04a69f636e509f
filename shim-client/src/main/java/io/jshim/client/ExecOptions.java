package io.jshim.client;

import java.util.Objects;

/**
 * What {@link ShimClient#exec(String, String, ExecOptions)} needs to add a process to a running task.
 *
 * <p>The stdio fields are paths on the daemon's side (FIFOs or files, {@code file:///abs} or {@code /abs}) that the
 * daemon opens itself; an empty string means {@code /dev/null}. With a terminal the process's pty is copied from
 * {@code stdin} and to {@code stdout}, and {@code stderr} must be empty: the pty carries both output streams.
 *
 * @param terminal whether the process gets a pty
 * @param stdin path the process reads its stdin from, or empty
 * @param stdout path the process's stdout goes to, or empty
 * @param stderr path the process's stderr goes to, or empty; empty with a terminal
 * @param specJson the OCI runtime spec's {@code process} object as JSON (args, env, cwd, user, …); sent with type
 *     URL {@value ShimClient#PROCESS_SPEC_TYPE_URL}
 */
public record ExecOptions(boolean terminal, String stdin, String stdout, String stderr, String specJson) {

  /** Checks that no component is {@code null} and that a terminal comes without a stderr path. */
  public ExecOptions {
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(specJson, "specJson");
    if (terminal && !stderr.isEmpty()) {
      throw new IllegalArgumentException("stderr: " + stderr
          + " (expected: empty with a terminal, whose pty carries stdout and stderr together)");
    }
  }

  /**
   * Options for a process without a terminal whose stdio all goes to {@code /dev/null}.
   *
   * @param specJson the OCI {@code process} object as JSON
   * @return the options
   */
  public static ExecOptions of(String specJson) {
    return new ExecOptions(false, "", "", "", specJson);
  }

  /**
   * Starts a builder.
   *
   * @param specJson the OCI {@code process} object as JSON
   * @return a builder without a terminal and with empty stdio paths
   */
  public static Builder builder(String specJson) {
    return new Builder(specJson);
  }

  /** Builds {@link ExecOptions}; no terminal and empty stdio paths ({@code /dev/null}) unless set. */
  public static final class Builder {
    private final String specJson;
    private boolean terminal;
    private String stdin = "";
    private String stdout = "";
    private String stderr = "";

    private Builder(String specJson) {
      this.specJson = Objects.requireNonNull(specJson, "specJson");
    }

    /**
     * Sets whether the process gets a pty.
     *
     * @param terminal {@code true} for a pty
     * @return this builder
     */
    public Builder terminal(boolean terminal) {
      this.terminal = terminal;
      return this;
    }

    /**
     * Sets the path the process reads stdin from.
     *
     * @param path a FIFO or file path on the daemon's side, or empty
     * @return this builder
     */
    public Builder stdin(String path) {
      this.stdin = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Sets the path the process's stdout (with a terminal: the pty's output) goes to.
     *
     * @param path a FIFO or file path on the daemon's side, or empty
     * @return this builder
     */
    public Builder stdout(String path) {
      this.stdout = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Sets the path the process's stderr goes to; leave it empty with a terminal.
     *
     * @param path a FIFO or file path on the daemon's side, or empty
     * @return this builder
     */
    public Builder stderr(String path) {
      this.stderr = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     * @throws IllegalArgumentException for a terminal with a stderr path
     */
    public ExecOptions build() {
      return new ExecOptions(terminal, stdin, stdout, stderr, specJson);
    }
  }
}
