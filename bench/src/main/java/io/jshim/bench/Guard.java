package io.jshim.bench;

import io.jshim.daemon.spawn.ForkGate;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** What a spawn and an fd creation enter before they run; one instance per burst. */
interface Guard {

  /** A held side; closing it releases it (on the thread that entered). */
  interface Hold extends AutoCloseable {
    @Override
    void close();
  }

  Hold NOTHING = () -> { };

  /** Entered around each posix_spawn. */
  Hold fork();

  /** Entered around each create-then-mark-close-on-exec sequence. */
  Hold fd();

  /** The gate's counters, for the xor gate only. */
  default Optional<ForkGate.Stats> gateStats() {
    return Optional.empty();
  }

  /** No lock at all. */
  static Guard none() {
    return new Guard() {
      @Override
      public Hold fork() {
        return NOTHING;
      }

      @Override
      public Hold fd() {
        return NOTHING;
      }
    };
  }

  /**
   * A {@link ReentrantReadWriteLock}; {@code forkWrites}: forks take the write lock and fd creations
   * the read lock (Go's ForkLock before 1.21), otherwise the other way round (golang/go #54162). The
   * write lock is owner-bound, which is fine here: every holder unlocks on its own thread.
   */
  static Guard readWriteLock(boolean forkWrites, boolean fair) {
    ReentrantReadWriteLock rw = new ReentrantReadWriteLock(fair);
    Lock forkLock = forkWrites ? rw.writeLock() : rw.readLock();
    Lock fdLock = forkWrites ? rw.readLock() : rw.writeLock();
    return new Guard() {
      @Override
      public Hold fork() {
        forkLock.lock();
        return forkLock::unlock;
      }

      @Override
      public Hold fd() {
        fdLock.lock();
        return fdLock::unlock;
      }
    };
  }

  /** The daemon's xor gate: forks together, fd creations together, never a mix. */
  static Guard xorGate() {
    ForkGate gate = ForkGate.create();
    return new Guard() {
      @Override
      public Hold fork() {
        return gate.enter(ForkGate.Side.FORK)::close;
      }

      @Override
      public Hold fd() {
        return gate.enter(ForkGate.Side.FD)::close;
      }

      @Override
      public Optional<ForkGate.Stats> gateStats() {
        return Optional.of(gate.stats());
      }
    };
  }
}
