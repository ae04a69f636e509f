package io.jshim.daemon.spawn;

/** The six OCI hook kinds, in lifecycle order, with their config.json names. */
public enum HookKind {
  PRESTART("prestart"),
  CREATE_RUNTIME("createRuntime"),
  CREATE_CONTAINER("createContainer"),
  START_CONTAINER("startContainer"),
  POSTSTART("poststart"),
  POSTSTOP("poststop");

  private final String ociName;

  HookKind(String ociName) {
    this.ociName = ociName;
  }

  /** The name in config.json's {@code hooks} object and on the helper's command line. */
  public String ociName() {
    return ociName;
  }

  /** Whether the workload runs it itself, in the container's namespaces (the others run in the daemon's). */
  public boolean inContainer() {
    return this == CREATE_CONTAINER || this == START_CONTAINER;
  }
}
