package io.jshim.daemon.io;

import io.jshim.daemon.sys.Epoll;
import io.jshim.daemon.sys.Posix;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's one I/O thread, {@code jshim-io}: a level-triggered epoll loop that runs {@link IoHandler}s for
 * ready fds, tasks and timers. It never blocks on I/O: every fd registered with it must be non-blocking.
 * A handler that throws is logged and cancelled; the loop goes on.
 *
 * <p>{@link #register}, {@link #execute}, {@link #submit}, {@link #schedule} and {@link Registration} may be
 * used from any thread. Once the loop is closed, tasks run on the thread that hands them in.
 */
public final class IoLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IoLoop.class);
  private static final String THREAD_NAME = "jshim-io";

  private final Posix posix;
  private final Epoll epoll;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private final Map<Long, Registration> registrations = new ConcurrentHashMap<>();
  private final AtomicLong nextToken = new AtomicLong();
  /** Loop thread only. */
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final Object lifecycle = new Object();
  private volatile boolean stopping;
  /** Guarded by lifecycle: once set, nothing is queued any more. */
  private boolean terminated;

  private IoLoop(Posix posix, Epoll epoll) {
    this.posix = posix;
    this.epoll = epoll;
    this.thread = new Thread(this::run, THREAD_NAME);
    thread.setDaemon(true);
  }

  /** Creates the epoll instance and starts the loop thread. */
  public static IoLoop start(Posix posix) {
    IoLoop loop = new IoLoop(posix, posix.epoll());
    loop.thread.start();
    return loop;
  }

  /**
   * Registers {@code fd}, watched for nothing yet: {@link Registration#interest} starts watching. Never a
   * regular file (epoll refuses those).
   */
  public Registration register(int fd, IoHandler handler) {
    Registration registration = new Registration(fd, nextToken.getAndIncrement(), Objects.requireNonNull(handler));
    registrations.put(registration.token, registration);
    return registration;
  }

  /** Runs {@code task} on the loop thread, after the current callback. */
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    synchronized (lifecycle) {
      if (!terminated) {
        tasks.add(task);
        if (!inLoop() && wakePending.compareAndSet(false, true)) {
          epoll.wakeUp();
        }
        return;
      }
    }
    runQuietly(task);
  }

  /** Runs {@code task} on the loop thread (at once when called there); the future completes after it ran. */
  public CompletableFuture<Void> submit(Runnable task) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Runnable tracked = () -> {
      try {
        task.run();
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
        throw e;
      }
    };
    if (inLoop()) {
      tracked.run();
    } else {
      execute(tracked);
    }
    return done;
  }

  /** Runs {@code task} on the loop thread after {@code delay}, unless cancelled first. */
  public Timer schedule(Duration delay, Runnable task) {
    Timer timer = new Timer(System.nanoTime() + delay.toNanos(), Objects.requireNonNull(task, "task"));
    if (inLoop()) {
      timers.add(timer);
    } else {
      execute(() -> timers.add(timer));
    }
    return timer;
  }

  /** The system calls this loop was started with. */
  Posix posix() {
    return posix;
  }

  /** Whether the caller runs on the loop thread. */
  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Stops the loop thread, runs what was queued, and closes the epoll instance; idempotent. */
  @Override
  public void close() {
    stopping = true;
    epoll.wakeUp();
    if (!inLoop()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    try {
      while (!stopping) {
        wakePending.set(false);
        runTasks();
        int timeout = runTimers();
        if (!tasks.isEmpty()) {
          timeout = 0;
        }
        int ready = epoll.wait(timeout);
        for (int i = 0; i < ready; i++) {
          dispatch(epoll.token(i), epoll.events(i));
        }
      }
    } catch (RuntimeException | Error e) {
      log.error("I/O loop stopped: {}", e.toString(), e);
    } finally {
      synchronized (lifecycle) {
        terminated = true;
      }
      runTasks();
      epoll.close();
    }
  }

  private void dispatch(long token, int events) {
    Registration registration = registrations.get(token);
    if (registration == null || !registration.watching()) {
      // cancelled or paused by an earlier callback of the same batch
      return;
    }
    try {
      registration.handler.ready(events);
    } catch (RuntimeException e) {
      log.warn("I/O callback for fd {} failed; dropping it: {}", registration.fd, e.toString(), e);
      registration.cancel();
      try {
        registration.handler.failed(e);
      } catch (RuntimeException again) {
        log.warn("I/O cleanup for fd {} failed too: {}", registration.fd, again.toString(), again);
      }
    }
  }

  private void runTasks() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      runQuietly(task);
    }
  }

  private static void runQuietly(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("I/O task failed: {}", e.toString(), e);
    }
  }

  /** Runs the due timers; returns the epoll timeout until the next one, -1 for none. */
  private int runTimers() {
    while (!timers.isEmpty()) {
      Timer next = timers.peek();
      long wait = next.due - System.nanoTime();
      if (next.cancelled) {
        timers.poll();
      } else if (wait <= 0) {
        timers.poll();
        runQuietly(next.task);
      } else {
        return (int) Math.min(Integer.MAX_VALUE, (wait + 999_999) / 1_000_000);
      }
    }
    return -1;
  }

  /** One fd watched by the loop. */
  public final class Registration {
    private final int fd;
    private final long token;
    private final IoHandler handler;
    /** Guarded by this. */
    private int interest;
    /** Guarded by this. */
    private boolean cancelled;

    private Registration(int fd, long token, IoHandler handler) {
      this.fd = fd;
      this.token = token;
      this.handler = handler;
    }

    /**
     * Watches the fd for {@code events} ({@link Epoll#IN}, {@link Epoll#OUT}); 0 stops watching it altogether,
     * HUP and ERR included, so that a paused fd that hung up does not spin the loop.
     */
    public synchronized void interest(int events) {
      if (cancelled || events == interest) {
        return;
      }
      if (interest == 0) {
        epoll.add(fd, events, token);
      } else if (events == 0) {
        epoll.remove(fd);
      } else {
        epoll.modify(fd, events, token);
      }
      interest = events;
    }

    /** Stops watching for good; call it before closing the fd. Idempotent. */
    public synchronized void cancel() {
      if (cancelled) {
        return;
      }
      cancelled = true;
      registrations.remove(token);
      if (interest != 0) {
        interest = 0;
        try {
          epoll.remove(fd);
        } catch (RuntimeException e) {
          log.debug("fd {} left epoll on its own: {}", fd, e.getMessage());
        }
      }
    }

    private synchronized boolean watching() {
      return !cancelled && interest != 0;
    }
  }

  /** A task scheduled on the loop. */
  public static final class Timer implements Comparable<Timer> {
    private final long due;
    private final Runnable task;
    private volatile boolean cancelled;

    private Timer(long due, Runnable task) {
      this.due = due;
      this.task = task;
    }

    /** Keeps the task from running, if it has not yet. */
    public void cancel() {
      cancelled = true;
    }

    @Override
    public int compareTo(Timer other) {
      return Long.compare(due - other.due, 0);
    }
  }
}
