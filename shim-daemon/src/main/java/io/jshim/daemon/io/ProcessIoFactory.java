package io.jshim.daemon.io;

import io.jshim.daemon.sys.Posix;
import java.util.Objects;
import java.util.Optional;

/** Opens {@link ProcessIo}s on the daemon's one I/O loop, so that the task domain never sees {@link Posix}. */
public final class ProcessIoFactory {
  private final IoLoop loop;
  private final Posix posix;

  public ProcessIoFactory(IoLoop loop, Posix posix) {
    this.loop = Objects.requireNonNull(loop, "loop");
    this.posix = Objects.requireNonNull(posix, "posix");
  }

  /** See {@link ProcessIo#open}. */
  public ProcessIo open(StdioPaths paths, boolean terminal, Optional<LogSink> log) {
    return ProcessIo.open(paths, terminal, log, loop, posix);
  }
}
