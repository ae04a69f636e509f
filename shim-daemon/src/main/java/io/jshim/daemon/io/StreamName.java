package io.jshim.daemon.io;

/** A process's output streams, with the names the CRI log format uses. */
public enum StreamName {
  STDOUT("stdout"),
  STDERR("stderr");

  private final String criName;

  StreamName(String criName) {
    this.criName = criName;
  }

  /** {@code stdout} or {@code stderr}. */
  public String criName() {
    return criName;
  }
}
