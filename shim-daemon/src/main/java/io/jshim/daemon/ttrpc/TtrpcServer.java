package io.jshim.daemon.ttrpc;

import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.group.ChannelGroup;
import io.grpc.netty.shaded.io.netty.channel.group.DefaultChannelGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.channel.unix.PeerCredentials;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.netty.shaded.io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.jshim.daemon.config.SocketPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ttrpc server on a filesystem Unix socket that serves whatever gRPC services {@code target} reaches:
 * each request is a unary call of {@code /service/method} with the payload bytes passed through. Only
 * peers with the daemon's own uid and gid may connect (checked with SO_PEERCRED on accept).
 */
public final class TtrpcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TtrpcServer.class);

  private final EventLoopGroup group;
  private final io.grpc.netty.shaded.io.netty.channel.Channel listener;
  private final ChannelGroup connections;
  private final Path socket;

  private TtrpcServer(EventLoopGroup group, io.grpc.netty.shaded.io.netty.channel.Channel listener, ChannelGroup connections, Path socket) {
    this.group = group;
    this.listener = listener;
    this.connections = connections;
    this.socket = socket;
  }

  /**
   * Binds {@code socket} (mode 0600; its directory is created 0700 if missing; a stale socket file is
   * replaced) and starts serving.
   *
   * @param target where calls go, typically an in-process channel to the daemon's own services
   * @param serviceAliases service names served as another, e.g. {@code containerd.task.v3.Task} →
   *     {@code containerd.task.v2.Task}
   * @param peers who may connect
   * @throws IllegalStateException if a live server already listens on {@code socket}, or epoll is unavailable
   */
  public static TtrpcServer start(Path socket, io.grpc.Channel target, Map<String, String> serviceAliases,
      SameUser peers) throws IOException {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("netty epoll is unavailable: " + Epoll.unavailabilityCause());
    }
    SocketPaths.prepare(socket, "ttrpc socket");
    Map<String, String> aliases = Map.copyOf(serviceAliases);
    // calls are asynchronous end to end: one thread only frames bytes
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("jshim-ttrpc", true),
        EpollIoHandler.newFactory());
    ChannelGroup connections = new DefaultChannelGroup("ttrpc", GlobalEventExecutor.INSTANCE);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(EpollServerDomainSocketChannel.class)
        .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
          @Override
          protected void initChannel(EpollDomainSocketChannel channel) {
            if (!admitted(channel, peers)) {
              channel.close();
              return;
            }
            connections.add(channel);
            channel.pipeline().addLast(new FrameCodec(), new ServerConnection(target, aliases));
          }
        });
    ChannelFuture bound = bootstrap.bind(new DomainSocketAddress(socket.toFile())).awaitUninterruptibly();
    try {
      if (!bound.isSuccess()) {
        throw new IOException("cannot listen on ttrpc socket " + socket + ": " + bound.cause(), bound.cause());
      }
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | RuntimeException e) {
      bound.channel().close().awaitUninterruptibly();
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    log.info("serving ttrpc on unix://{}", socket);
    return new TtrpcServer(group, bound.channel(), connections, socket);
  }

  private static boolean admitted(EpollDomainSocketChannel channel, SameUser peers) {
    PeerCredentials credentials;
    try {
      credentials = channel.peerCredentials();
    } catch (IOException e) {
      log.warn("refusing a ttrpc connection: cannot read its peer credentials: {}", e.getMessage());
      return false;
    }
    int gid = credentials.gids().length > 0 ? credentials.gids()[0] : -1;
    if (!peers.admits(credentials.uid(), gid)) {
      log.warn("refusing a ttrpc connection from pid {} uid {} gid {} (expected: uid {} gid {}, the daemon's own)",
          credentials.pid(), credentials.uid(), gid, peers.uid(), peers.gid());
      return false;
    }
    return true;
  }

  /** How many clients are connected now. */
  public int openConnections() {
    return connections.size();
  }

  /** The socket path. */
  public Path socket() {
    return socket;
  }

  /** Stops accepting, closes every connection (their running calls are cancelled) and removes the socket. */
  @Override
  public void close() {
    listener.close().awaitUninterruptibly();
    connections.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      log.warn("cannot remove ttrpc socket {}: {}", socket, e.getMessage());
    }
  }

  // the same rules as the gRPC socket's (ShimServer), which this package may not import

}
