package io.jshim.daemon.io;

/** Receives a process's output as the daemon copies it: the container log. */
public interface LogSink {
  /**
   * Takes one chunk just read from {@code stream}; must not keep {@code buf}. Never blocks for long and never
   * throws for I/O trouble of its own (it reports and drops instead), so a broken log cannot stall a container.
   */
  void write(StreamName stream, byte[] buf, int offset, int length);
}
