package io.jshim.daemon.server;

import io.grpc.Server;
import io.grpc.ManagedChannel;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.jshim.daemon.task.TaskService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import io.jshim.daemon.config.SocketPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server on a filesystem Unix socket (never abstract): the task service, health and
 * reflection, every call checked against the caller's peer credentials. Beside it, an in-process server
 * with the same service objects and no peer check, for transports that check their peers themselves
 * (the ttrpc endpoint).
 */
public final class ShimServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ShimServer.class);

  private final Server server;
  private final Server inProcess;
  private final ManagedChannel inProcessChannel;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final HealthStatusManager health;
  private final Path socket;

  private ShimServer(Server server, Server inProcess, ManagedChannel inProcessChannel, EventLoopGroup boss,
      EventLoopGroup workers, HealthStatusManager health, Path socket) {
    this.server = server;
    this.inProcess = inProcess;
    this.inProcessChannel = inProcessChannel;
    this.boss = boss;
    this.workers = workers;
    this.health = health;
    this.socket = socket;
  }

  /**
   * Loads Netty's epoll transport (its native library is unpacked and loaded on first use) on a thread of its own,
   * so that the daemon's other start-up work overlaps it; {@link #start} then finds it loaded.
   */
  public static void startLoadingTransport() {
    Thread thread = new Thread(Epoll::isAvailable, "jshim-netty-load");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Binds {@code socket} (mode 0600; its directory is created 0700 if missing) and starts serving.
   *
   * @throws IllegalStateException if a live server already listens on {@code socket}
   */
  public static ShimServer start(Path socket, TaskService tasks, Supplier<DaemonSnapshot> status, int ownUid,
      Set<Integer> extraUids, int shimPid, String version) throws IOException {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("netty epoll is unavailable: " + Epoll.unavailabilityCause());
    }
    SocketPaths.prepare(socket, "socket");
    HealthStatusManager health = new HealthStatusManager();
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    PeerCredentialsInterceptor peers = new PeerCredentialsInterceptor(ownUid, extraUids);
    ServerServiceDefinition taskService = MalformedRequests.refuse(new TaskGrpcService(tasks, shimPid, version));
    ServerServiceDefinition statusService = MalformedRequests.refuse(new DaemonStatusService(status, shimPid, version));
    ServerServiceDefinition logsService = MalformedRequests.refuse(new ContainerLogsService(tasks));
    Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .protocolNegotiator(new PeerCredentialsNegotiator())
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .addService(ServerInterceptors.intercept(taskService, peers))
        .addService(ServerInterceptors.intercept(statusService, peers))
        .addService(ServerInterceptors.intercept(logsService, peers))
        .addService(ServerInterceptors.intercept(health.getHealthService(), peers))
        .addService(ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), peers))
        .build();
    String name = InProcessServerBuilder.generateName();
    // the default executor, never a direct one: a blocking handler must not stall the caller's event loop
    Server inProcess = InProcessServerBuilder.forName(name)
        .addService(taskService)
        .addService(statusService)
        .addService(logsService)
        .build();
    try {
      server.start();
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      inProcess.start();
    } catch (IOException | RuntimeException e) {
      server.shutdownNow();
      inProcess.shutdownNow();
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    log.info("serving containerd.task.v2.Task on unix://{}", socket);
    ManagedChannel inProcessChannel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return new ShimServer(server, inProcess, inProcessChannel, boss, workers, health, socket);
  }

  /**
   * A channel to the same task, status and logs services without the peer-credential check: only for
   * transports inside the daemon that admit their peers themselves.
   */
  public io.grpc.Channel inProcessChannel() {
    return inProcessChannel;
  }

  /** The socket path. */
  public Path socket() {
    return socket;
  }

  /** Stops accepting calls, lets running ones finish for a moment, then closes the socket. */
  @Override
  public void close() {
    health.enterTerminalState();
    inProcessChannel.shutdownNow();
    inProcess.shutdownNow();
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      log.warn("cannot remove socket {}: {}", socket, e.getMessage());
    }
  }

}
