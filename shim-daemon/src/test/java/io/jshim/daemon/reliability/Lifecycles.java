package io.jshim.daemon.reliability;

import io.grpc.ManagedChannel;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs Create → Start → Wait → Delete many times against one daemon, {@code concurrency} clients at a time. */
final class Lifecycles {
  private Lifecycles() {}

  /** What one batch did: how many lifecycles, the failures (id and error), and the wall time. */
  record Result(int count, List<String> failures, double seconds) {
    double perSecond() {
      return count / seconds;
    }
  }

  static Result run(ExternalDaemon daemon, Path bundle, String idPrefix, int count, int concurrency) throws Exception {
    AtomicInteger next = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    ExecutorService clients = Executors.newFixedThreadPool(concurrency);
    List<ManagedChannel> channels = new ArrayList<>();
    long start = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < concurrency; c++) {
        ManagedChannel channel = daemon.channel();
        channels.add(channel);
        done.add(clients.submit(() -> {
          for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            String id = idPrefix + i;
            try {
              int status = once(TaskGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS), id, bundle);
              if (status != 0) {
                failures.add(id + ": exit status " + status);
              }
            } catch (RuntimeException e) {
              failures.add(id + ": " + e);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.MINUTES);
      }
    } finally {
      clients.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // one connection per client: closed here, so that the daemon's fd count can return to where it was
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    return new Result(count, List.copyOf(failures), seconds);
  }

  static int once(TaskGrpc.TaskBlockingStub tasks, String id, Path bundle) {
    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build());
    tasks.start(StartRequest.newBuilder().setId(id).build());
    int status = tasks.wait(WaitRequest.newBuilder().setId(id).build()).getExitStatus();
    tasks.delete(DeleteRequest.newBuilder().setId(id).build());
    return status;
  }
}
