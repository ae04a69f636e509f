package io.jshim.daemon.reaper;

import io.jshim.daemon.sys.DevicePrograms;
import io.jshim.daemon.sys.Epoll;
import io.jshim.daemon.sys.Errnos;
import io.jshim.daemon.sys.ExitNotices;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.Received;
import io.jshim.daemon.sys.SysException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** A process table in memory: tests decide which children have exited and see every kill. */
final class FakePosix implements Posix {
  private final Deque<Integer> exited = new ArrayDeque<>();
  private final Map<Integer, Integer> statuses = new HashMap<>();
  private final List<String> kills = new ArrayList<>();

  /** Makes {@code pid} an exited, not yet reaped child with raw wait status {@code raw}. */
  synchronized void exit(int pid, int raw) {
    statuses.put(pid, raw);
    exited.add(pid);
    notifyAll();
  }

  synchronized List<String> kills() {
    return List.copyOf(kills);
  }

  @Override
  public synchronized OptionalInt peekExitedChild() {
    return exited.isEmpty() ? OptionalInt.empty() : OptionalInt.of(exited.peek());
  }

  @Override
  public synchronized OptionalInt awaitExitedChild() {
    while (exited.isEmpty()) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return OptionalInt.empty();
      }
    }
    return OptionalInt.of(exited.peek());
  }

  @Override
  public synchronized OptionalInt reap(int pid) {
    if (!exited.remove(pid)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(statuses.remove(pid));
  }

  @Override
  public synchronized boolean kill(int pid, int signal) {
    kills.add(pid + ":" + signal);
    return true;
  }

  @Override
  public int getpid() {
    return 1;
  }

  @Override
  public int geteuid() {
    return 0;
  }

  @Override
  public int getegid() {
    return 0;
  }

  @Override
  public void setChildSubreaper() {}

  @Override
  public boolean isChildSubreaper() {
    return true;
  }

  @Override
  public int spawn(String path, List<String> argv, List<String> envp, int[] fds) {
    throw new UnsupportedOperationException("no spawning in the fake");
  }

  @Override
  public int sealedCopy(String name, byte[] content) {
    throw new UnsupportedOperationException("no fds in the fake");
  }

  @Override
  public int[] socketPair() {
    throw new UnsupportedOperationException("no fds in the fake");
  }

  @Override
  public int datagramSocket() {
    throw new UnsupportedOperationException("no fds in the fake");
  }

  @Override
  public void sendTo(int fd, String address, byte[] data) {
    throw new UnsupportedOperationException("no fds in the fake");
  }

  @Override
  public int open(String path, int flags, int mode) {
    throw new UnsupportedOperationException("no fds in the fake");
  }

  @Override
  public int dupAtLeast(int fd, int minFd) {
    throw new UnsupportedOperationException("no fds in the fake");
  }

  @Override
  public void close(int fd) {}

  @Override
  public int read(int fd, byte[] buf, int offset, int len, Duration timeout) {
    throw new UnsupportedOperationException("no fds in the fake");
  }

  @Override
  public void write(int fd, byte[] buf) {
    throw new UnsupportedOperationException("no fds in the fake");
  }

  @Override
  public int[] pipe() {
    throw new UnsupportedOperationException("no fds in the fake");
  }

  @Override
  public void setNonBlocking(int fd, boolean on) {
    throw new UnsupportedOperationException("no fds in the fake");
  }

  @Override
  public int readNonBlocking(int fd, byte[] buf, int offset, int len) {
    throw new UnsupportedOperationException("no fds in the fake");
  }

  @Override
  public int writeNonBlocking(int fd, byte[] buf, int offset, int len) {
    throw new UnsupportedOperationException("no fds in the fake");
  }

  @Override
  public Received receive(int fd, byte[] buf, int offset, int len, Duration timeout) {
    throw new UnsupportedOperationException("no fds in the fake");
  }

  @Override
  public void setWindowSize(int fd, int rows, int cols) {
    throw new UnsupportedOperationException("no terminals in the fake");
  }

  @Override
  public Epoll epoll() {
    throw new UnsupportedOperationException("no epoll in the fake");
  }

  @Override
  public void mount(String source, String target, String type, long flags, String data) {
    throw new UnsupportedOperationException("no mounts in the fake");
  }

  @Override
  public void unmount(String target, int flags) {
    throw new UnsupportedOperationException("no mounts in the fake");
  }

  // pidfds of adopted processes: fd -> pid; an adopted pid in goneAdopted has exited
  private final Map<Integer, Integer> pidfds = new HashMap<>();
  private final java.util.Set<Integer> goneAdopted = new java.util.HashSet<>();
  private final java.util.Set<Integer> notThere = new java.util.HashSet<>();
  private int nextFd = 100;

  /** The adopted process {@code pid} exits (its pidfd turns readable). */
  synchronized void adoptedExits(int pid) {
    goneAdopted.add(pid);
  }

  /** No process has {@code pid}: pidfd_open fails with ESRCH. */
  synchronized void noSuchProcess(int pid) {
    notThere.add(pid);
  }

  @Override
  public synchronized OptionalInt pidfdOpen(int pid) {
    if (notThere.contains(pid)) {
      return OptionalInt.empty();
    }
    int fd = nextFd++;
    pidfds.put(fd, pid);
    return OptionalInt.of(fd);
  }

  @Override
  public synchronized boolean pidfdSignal(int pidfd, int signal) {
    int pid = pidfds.get(pidfd);
    if (goneAdopted.contains(pid)) {
      return false;
    }
    kills.add("pidfd:" + pid + ":" + signal);
    return true;
  }

  @Override
  public synchronized boolean pidfdExited(int pidfd) {
    return goneAdopted.contains(pidfds.get(pidfd));
  }

  // exit notices: null until a test offers them, so by default the kernel "refuses" the subscription
  private java.util.concurrent.BlockingQueue<ExitNotices.Notice> notices;
  private int subscriptions;
  private int noticesRead;
  private int handedOut;
  private int closedSubscriptions;

  /** Lets {@link #exitNotices()} subscribe; notices then come from {@link #notice}. */
  synchronized void offerExitNotices() {
    notices = new java.util.concurrent.LinkedBlockingQueue<>();
  }

  /** The kernel sends a notice: the thread {@code thread} of process {@code pid} exited with {@code raw}. */
  void notice(int pid, int thread, int raw) {
    notices(new ExitNotices.Notice(pid, thread, raw));
  }

  /** The kernel sends these notices at once: one read gets them all. */
  void notices(ExitNotices.Notice... sent) {
    java.util.concurrent.BlockingQueue<ExitNotices.Notice> queue;
    synchronized (this) {
      queue = notices;
    }
    synchronized (queue) {
      queue.addAll(List.of(sent));
    }
  }

  /** How many notices the reader has taken and acted on (it came back for more) so far. */
  synchronized int noticesRead() {
    return noticesRead;
  }

  synchronized int subscriptions() {
    return subscriptions;
  }

  synchronized int closedSubscriptions() {
    return closedSubscriptions;
  }

  @Override
  public synchronized ExitNotices exitNotices() {
    if (notices == null) {
      throw new SysException("socket(AF_NETLINK, NETLINK_CONNECTOR)", Errnos.EPERM);
    }
    subscriptions++;
    java.util.concurrent.BlockingQueue<ExitNotices.Notice> queue = notices;
    return new ExitNotices() {
      @Override
      public List<Notice> read(Duration timeout) {
        synchronized (FakePosix.this) {
          // the reader is back: it has acted on the previous batch
          noticesRead += handedOut;
          handedOut = 0;
        }
        List<Notice> read = new ArrayList<>();
        try {
          Notice first = queue.poll(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
          if (first != null) {
            read.add(first);
            synchronized (queue) {
              queue.drainTo(read);
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        synchronized (FakePosix.this) {
          handedOut = read.size();
        }
        return read;
      }

      @Override
      public void close() {
        synchronized (FakePosix.this) {
          closedSubscriptions++;
        }
      }
    };
  }

  @Override
  public DevicePrograms devicePrograms() {
    throw new UnsupportedOperationException("no bpf(2) in the fake");
  }
}
