package io.jshim.daemon.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jshim.proto.ttrpc.Request;
import io.jshim.proto.ttrpc.Response;
import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.netty.shaded.io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A ttrpc client on one Unix-socket connection: unary calls multiplexed on odd stream ids 1, 3, 5…
 * A call fails with a {@link StatusRuntimeException} carrying the server's code, with DEADLINE_EXCEEDED
 * when its timeout passes, and with UNAVAILABLE when the connection closes.
 */
public final class TtrpcClient implements AutoCloseable {
  private final EventLoopGroup group;
  private final Channel channel;
  private final AtomicInteger nextStream = new AtomicInteger(1);
  private final Streams streams;

  private TtrpcClient(EventLoopGroup group, Channel channel, Streams streams) {
    this.group = group;
    this.channel = channel;
    this.streams = streams;
  }

  /** Connects to the ttrpc server listening on {@code socket}. */
  public static TtrpcClient connect(Path socket) throws IOException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("jshim-ttrpc-client", true),
        EpollIoHandler.newFactory());
    Streams streams = new Streams();
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(EpollDomainSocketChannel.class)
        .handler(new ChannelInitializer<EpollDomainSocketChannel>() {
          @Override
          protected void initChannel(EpollDomainSocketChannel ch) {
            ch.pipeline().addLast(new FrameCodec(), streams);
          }
        });
    ChannelFuture connected = bootstrap.connect(new DomainSocketAddress(socket.toFile())).awaitUninterruptibly();
    if (!connected.isSuccess()) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IOException("cannot connect to ttrpc socket " + socket + ": " + connected.cause(), connected.cause());
    }
    return new TtrpcClient(group, connected.channel(), streams);
  }

  /**
   * Calls {@code service/method} with a serialized request; completes with the serialized reply.
   *
   * @param timeout sent to the server as the call's deadline and enforced here too; zero means none
   */
  public CompletableFuture<byte[]> call(String service, String method, byte[] payload, Duration timeout) {
    int streamId = nextStream.getAndAdd(2);
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    Request request = Request.newBuilder()
        .setService(service)
        .setMethod(method)
        .setPayload(ByteString.copyFrom(payload))
        .setTimeoutNano(timeout.toNanos())
        .build();
    Frame frame;
    try {
      frame = new Frame(streamId, Frame.REQUEST, 0, request.toByteArray());
    } catch (IllegalArgumentException e) {
      result.completeExceptionally(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
      return result;
    }
    streams.open(streamId, result);
    if (result.isDone()) {
      return result;
    }
    if (!timeout.isZero()) {
      ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> streams.fail(streamId,
          Status.DEADLINE_EXCEEDED.withDescription("no answer from " + service + "/" + method + " within " + timeout)),
          timeout.toNanos(), TimeUnit.NANOSECONDS);
      result.whenComplete((reply, error) -> timer.cancel(false));
    }
    channel.writeAndFlush(frame).addListener(written -> {
      if (!written.isSuccess()) {
        streams.fail(streamId, Status.UNAVAILABLE.withDescription("cannot send to the ttrpc server: " + written.cause())
            .withCause(written.cause()));
      }
    });
    return result;
  }

  /** False once the server has closed the connection (or {@link #close()} was called). */
  public boolean isOpen() {
    return channel.isActive();
  }

  /** Closes the connection; calls still waiting fail with UNAVAILABLE. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    streams.failAll();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }

  /** The calls waiting for an answer, by stream id; fed by the channel's frames. */
  private static final class Streams extends ChannelInboundHandlerAdapter {
    private final Map<Integer, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private volatile boolean closed;

    void open(int streamId, CompletableFuture<byte[]> call) {
      pending.put(streamId, call);
      // checked after the put: failAll either saw this call or set the flag before we read it
      if (closed) {
        fail(streamId, closedStatus());
      }
    }

    void fail(int streamId, Status status) {
      CompletableFuture<byte[]> call = pending.remove(streamId);
      if (call != null) {
        call.completeExceptionally(status.asRuntimeException());
      }
    }

    void failAll() {
      closed = true;
      pending.keySet().forEach(streamId -> fail(streamId, closedStatus()));
    }

    private static Status closedStatus() {
      return Status.UNAVAILABLE.withDescription("ttrpc: closed (the connection to the server is gone)");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof OversizedFrame oversized) {
        fail(oversized.streamId(), Status.RESOURCE_EXHAUSTED.withDescription("reply of " + oversized.length()
            + " bytes (expected: at most " + Frame.MAX_DATA + ")"));
        return;
      }
      Frame frame = (Frame) msg;
      if (frame.type() != Frame.RESPONSE) {
        return;
      }
      Response response;
      try {
        response = Response.parseFrom(frame.data());
      } catch (InvalidProtocolBufferException e) {
        fail(frame.streamId(), Status.INTERNAL.withDescription("malformed ttrpc response: " + e.getMessage()));
        return;
      }
      // the Go server leaves the status unset on success
      if (response.hasStatus() && response.getStatus().getCode() != 0) {
        fail(frame.streamId(), Status.fromCodeValue(response.getStatus().getCode())
            .withDescription(response.getStatus().getMessage()));
        return;
      }
      CompletableFuture<byte[]> call = pending.remove(frame.streamId());
      if (call != null) {
        call.complete(response.getPayload().toByteArray());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      failAll();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
