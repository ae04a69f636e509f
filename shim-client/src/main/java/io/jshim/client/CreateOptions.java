package io.jshim.client;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link ShimClient#create(CreateOptions)} needs to create a task.
 *
 * <p>The stdio fields are paths on the daemon's side (files or FIFOs) that the daemon opens itself; an empty string
 * means {@code /dev/null}.
 *
 * @param id the task id
 * @param bundle the OCI bundle directory holding {@code config.json}
 * @param stdin path the workload reads its stdin from, or empty
 * @param stdout path the workload's stdout goes to, or empty
 * @param stderr path the workload's stderr goes to, or empty
 */
public record CreateOptions(String id, Path bundle, String stdin, String stdout, String stderr) {

  /** Checks that no component is {@code null} and that the id is not blank. */
  public CreateOptions {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id: blank (expected: a task id)");
    }
  }

  /**
   * Options for a task whose stdio all goes to {@code /dev/null}.
   *
   * @param id the task id
   * @param bundle the OCI bundle directory
   * @return the options
   */
  public static CreateOptions of(String id, Path bundle) {
    return new CreateOptions(id, bundle, "", "", "");
  }

  /**
   * Starts a builder for a task.
   *
   * @param id the task id
   * @param bundle the OCI bundle directory
   * @return a builder with empty stdio paths
   */
  public static Builder builder(String id, Path bundle) {
    return new Builder(id, bundle);
  }

  /** Builds {@link CreateOptions}; stdio paths default to empty ({@code /dev/null}). */
  public static final class Builder {
    private final String id;
    private final Path bundle;
    private String stdin = "";
    private String stdout = "";
    private String stderr = "";

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
     * Builds the options.
     *
     * @return the options
     */
    public CreateOptions build() {
      return new CreateOptions(id, bundle, stdin, stdout, stderr);
    }
  }
}
