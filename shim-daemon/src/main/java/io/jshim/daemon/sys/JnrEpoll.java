package io.jshim.daemon.sys;

import jnr.ffi.LastError;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** {@link Epoll} on epoll_create1(EPOLL_CLOEXEC) and an eventfd(EFD_CLOEXEC | EFD_NONBLOCK) for wake-ups. */
final class JnrEpoll implements Epoll {
  private static final int MAX_EVENTS = 64;
  private static final long WAKE_TOKEN = Long.MIN_VALUE;
  // struct epoll_event {u32 events; u64 data} is packed on x86_64 only: 12 bytes there, 16 elsewhere
  private static final boolean PACKED = Platform.getNativePlatform().getCPU() == Platform.CPU.X86_64
      || Platform.getNativePlatform().getCPU() == Platform.CPU.I386;
  static final int EVENT_SIZE = PACKED ? 12 : 16;
  static final int DATA_OFFSET = PACKED ? 4 : 8;

  private final LinuxLibC libc;
  private final Runtime runtime;
  private final int epfd;
  private final int wakeFd;
  /** Guarded by this. */
  private final Pointer ctlEvent;
  private final Pointer ready;
  private final Pointer counter;
  private final long[] tokens = new long[MAX_EVENTS];
  private final int[] readyEvents = new int[MAX_EVENTS];
  /** Guarded by this. */
  private boolean closed;

  private JnrEpoll(LinuxLibC libc, Runtime runtime, int epfd, int wakeFd) {
    this.libc = libc;
    this.runtime = runtime;
    this.epfd = epfd;
    this.wakeFd = wakeFd;
    this.ctlEvent = Memory.allocateDirect(runtime, EVENT_SIZE, true);
    this.ready = Memory.allocateDirect(runtime, (long) EVENT_SIZE * MAX_EVENTS, true);
    this.counter = Memory.allocateDirect(runtime, 8, true);
  }

  static JnrEpoll create(LinuxLibC libc, Runtime runtime) {
    int epfd = libc.epoll_create1(LinuxLibC.EPOLL_CLOEXEC);
    if (epfd < 0) {
      throw new SysException("epoll_create1", LastError.getLastError(runtime));
    }
    int wakeFd = libc.eventfd(0, LinuxLibC.EFD_CLOEXEC | LinuxLibC.EFD_NONBLOCK);
    if (wakeFd < 0) {
      int errno = LastError.getLastError(runtime);
      libc.close(epfd);
      throw new SysException("eventfd", errno);
    }
    JnrEpoll epoll = new JnrEpoll(libc, runtime, epfd, wakeFd);
    try {
      epoll.add(wakeFd, IN, WAKE_TOKEN);
    } catch (RuntimeException e) {
      epoll.close();
      throw e;
    }
    return epoll;
  }

  /** The epoll fd, for tests. */
  int fd() {
    return epfd;
  }

  /** The wake-up eventfd, for tests. */
  int wakeFd() {
    return wakeFd;
  }

  @Override
  public void add(int fd, int events, long token) {
    ctl(LinuxLibC.EPOLL_CTL_ADD, fd, events, token, "add");
  }

  @Override
  public void modify(int fd, int events, long token) {
    ctl(LinuxLibC.EPOLL_CTL_MOD, fd, events, token, "modify");
  }

  @Override
  public synchronized void remove(int fd) {
    checkOpen();
    // a non-null event pointer keeps kernels before 2.6.9 happy; it is ignored
    if (libc.epoll_ctl(epfd, LinuxLibC.EPOLL_CTL_DEL, fd, ctlEvent) != 0) {
      throw new SysException("epoll_ctl(DEL) fd " + fd, errno());
    }
  }

  private synchronized void ctl(int op, int fd, int events, long token, String what) {
    checkOpen();
    ctlEvent.putInt(0, events);
    ctlEvent.putLong(DATA_OFFSET, token);
    if (libc.epoll_ctl(epfd, op, fd, ctlEvent) != 0) {
      throw new SysException("epoll_ctl(" + what + ") fd " + fd, errno());
    }
  }

  @Override
  public int wait(int timeoutMillis) {
    int n = libc.epoll_wait(epfd, ready, MAX_EVENTS, timeoutMillis);
    if (n < 0) {
      int errno = errno();
      if (errno == Errnos.EINTR) {
        return 0;
      }
      throw new SysException("epoll_wait", errno);
    }
    int count = 0;
    for (int i = 0; i < n; i++) {
      long offset = (long) i * EVENT_SIZE;
      long token = ready.getLong(offset + DATA_OFFSET);
      if (token == WAKE_TOKEN) {
        // resets the counter; EAGAIN only means another wait already did
        libc.eventfd_read(wakeFd, counter);
        continue;
      }
      tokens[count] = token;
      readyEvents[count] = ready.getInt(offset);
      count++;
    }
    return count;
  }

  @Override
  public long token(int i) {
    return tokens[i];
  }

  @Override
  public int events(int i) {
    return readyEvents[i];
  }

  @Override
  public synchronized void wakeUp() {
    // under the lock so that a concurrent close cannot hand the fd number to someone else first
    if (!closed && libc.eventfd_write(wakeFd, 1) != 0 && errno() != Errnos.EAGAIN) {
      throw new SysException("eventfd_write", errno());
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      libc.close(wakeFd);
      libc.close(epfd);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("epoll is closed");
    }
  }

  private int errno() {
    return LastError.getLastError(runtime);
  }
}
