package io.jshim.daemon;

import com.google.protobuf.Empty;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.jshim.daemon.ttrpc.SameUser;
import io.jshim.daemon.ttrpc.TtrpcServer;
import io.jshim.proto.events.TaskExit;
import io.jshim.proto.events.ttrpc.EventsGrpc;
import io.jshim.proto.events.ttrpc.ForwardRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** containerd's ttrpc events endpoint, as a daemon started with {@code --events-address} sees it: records every Forward. */
final class ContainerdEvents implements AutoCloseable {
  private final List<ForwardRequest> received = new CopyOnWriteArrayList<>();
  private final Server server;
  private final ManagedChannel channel;
  private final TtrpcServer ttrpc;
  private final Path socket;

  private ContainerdEvents(Path socket) throws IOException {
    this.socket = socket;
    String name = "containerd-events-" + System.nanoTime();
    server = InProcessServerBuilder.forName(name).addService(new EventsGrpc.EventsImplBase() {
      @Override
      public void forward(ForwardRequest request, StreamObserver<Empty> response) {
        received.add(request);
        response.onNext(Empty.getDefaultInstance());
        response.onCompleted();
      }
    }).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    ttrpc = TtrpcServer.start(socket, channel, Map.of(), new SameUser(0, 0));
  }

  static ContainerdEvents start(Path socket) throws IOException {
    return new ContainerdEvents(socket);
  }

  Path socket() {
    return socket;
  }

  /** The TaskExit of process {@code id} in task {@code containerId}, once it has arrived. */
  Optional<TaskExit> exitOf(String containerId, String id) {
    for (ForwardRequest request : received) {
      if (request.getEnvelope().getEvent().getTypeUrl().equals("containerd.events.TaskExit")) {
        try {
          TaskExit exit = TaskExit.parseFrom(request.getEnvelope().getEvent().getValue());
          if (exit.getContainerId().equals(containerId) && exit.getId().equals(id)) {
            return Optional.of(exit);
          }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new AssertionError("a TaskExit that does not parse", e);
        }
      }
    }
    return Optional.empty();
  }

  /** Waits up to 30 s for the TaskExit of task {@code id}'s init. */
  TaskExit awaitExit(String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Optional<TaskExit> exit = exitOf(id, id);
      if (exit.isPresent()) {
        return exit.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no TaskExit for " + id + " among " + received.size() + " events");
  }

  @Override
  public void close() {
    ttrpc.close();
    channel.shutdownNow();
    server.shutdownNow();
  }
}
