package io.jshim.daemon.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.daemon.sys.Epoll;
import io.jshim.daemon.sys.JnrPosix;
import io.jshim.daemon.sys.Posix;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IoLoopTest {
  private final Posix posix = JnrPosix.load();
  private final IoLoop loop = IoLoop.start(posix);
  private final int[] pipe = posix.pipe();

  @AfterEach
  void close() {
    loop.close();
    posix.closeQuietly(pipe[0]);
    posix.closeQuietly(pipe[1]);
  }

  @Test
  void execute_fromAnotherThread_runsOnTheIoThread() throws Exception {
    CompletableFuture<String> thread = new CompletableFuture<>();

    loop.execute(() -> thread.complete(Thread.currentThread().getName()));

    assertThat(thread.get(5, TimeUnit.SECONDS)).isEqualTo("jshim-io");
  }

  @Test
  void register_readablePipe_callsTheHandlerWithIn() throws Exception {
    CompletableFuture<Integer> events = new CompletableFuture<>();
    IoLoop.Registration registration = loop.register(pipe[0], handler(events::complete));
    registration.interest(Epoll.IN);

    posix.write(pipe[1], new byte[] {1});

    assertThat(events.get(5, TimeUnit.SECONDS) & Epoll.IN).isEqualTo(Epoll.IN);
    registration.cancel();
  }

  @Test
  void interestZero_hungUpPipe_isNotReportedAgain() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    IoLoop.Registration registration = loop.register(pipe[0], handler(e -> calls.incrementAndGet()));
    registration.interest(Epoll.IN);
    registration.interest(0);

    posix.close(pipe[1]);
    pipe[1] = -1;
    loop.submit(() -> {}).get(5, TimeUnit.SECONDS);
    Thread.sleep(100);

    assertThat(calls).hasValue(0);
  }

  @Test
  void ready_handlerThrows_cancelsItCallsFailedAndServesOthers() throws Exception {
    CompletableFuture<RuntimeException> failed = new CompletableFuture<>();
    AtomicInteger throwingCalls = new AtomicInteger();
    IoLoop.Registration throwing = loop.register(pipe[0], new IoHandler() {
      @Override
      public void ready(int events) {
        throwingCalls.incrementAndGet();
        throw new IllegalStateException("boom");
      }

      @Override
      public void failed(RuntimeException cause) {
        failed.complete(cause);
      }
    });
    throwing.interest(Epoll.IN);
    int[] other = posix.pipe();
    try {
      CompletableFuture<Integer> otherReady = new CompletableFuture<>();
      loop.register(other[0], handler(otherReady::complete)).interest(Epoll.IN);

      posix.write(pipe[1], new byte[] {1});
      assertThat(failed.get(5, TimeUnit.SECONDS)).hasMessage("boom");
      posix.write(other[1], new byte[] {1});

      assertThat(otherReady.get(5, TimeUnit.SECONDS) & Epoll.IN).isEqualTo(Epoll.IN);
      assertThat(throwingCalls).hasValue(1);
    } finally {
      loop.submit(() -> {}).get(5, TimeUnit.SECONDS);
      posix.closeQuietly(other[0]);
      posix.closeQuietly(other[1]);
    }
  }

  @Test
  void execute_taskThrows_laterTasksStillRun() throws Exception {
    loop.execute(() -> {
      throw new IllegalStateException("boom");
    });
    CompletableFuture<Boolean> ran = new CompletableFuture<>();

    loop.execute(() -> ran.complete(true));

    assertThat(ran.get(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void schedule_delay_runsNoEarlierThanTheDelay() throws Exception {
    long start = System.nanoTime();
    CompletableFuture<Long> ranAt = new CompletableFuture<>();

    loop.schedule(Duration.ofMillis(100), () -> ranAt.complete(System.nanoTime()));

    assertThat(ranAt.get(5, TimeUnit.SECONDS) - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
  }

  @Test
  void schedule_cancelled_neverRuns() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    IoLoop.Timer timer = loop.schedule(Duration.ofMillis(50), runs::incrementAndGet);
    CountDownLatch later = new CountDownLatch(1);
    loop.schedule(Duration.ofMillis(150), later::countDown);

    timer.cancel();

    assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(runs).hasValue(0);
  }

  @Test
  void execute_afterClose_runsOnTheCaller() {
    loop.close();
    AtomicReference<Thread> ranOn = new AtomicReference<>();

    loop.execute(() -> ranOn.set(Thread.currentThread()));

    assertThat(ranOn).hasValue(Thread.currentThread());
  }

  private static IoHandler handler(java.util.function.IntConsumer ready) {
    return new IoHandler() {
      @Override
      public void ready(int events) {
        ready.accept(events);
      }

      @Override
      public void failed(RuntimeException cause) {}
    };
  }
}
