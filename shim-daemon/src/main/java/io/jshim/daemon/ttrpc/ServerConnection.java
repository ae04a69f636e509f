package io.jshim.daemon.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.jshim.proto.ttrpc.Request;
import io.jshim.proto.ttrpc.Response;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted ttrpc connection: every request becomes an asynchronous gRPC call on the target channel,
 * so a long Wait holds no thread and answers go back in the order they complete.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);

  private final Channel target;
  private final Map<String, String> serviceAliases;
  private final Map<Integer, ClientCall<byte[], byte[]>> calls = new ConcurrentHashMap<>();

  ServerConnection(Channel target, Map<String, String> serviceAliases) {
    this.target = target;
    this.serviceAliases = serviceAliases;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof OversizedFrame oversized) {
      respond(ctx, oversized.streamId(), Status.RESOURCE_EXHAUSTED.withDescription("frame of " + oversized.length()
          + " bytes on stream " + oversized.streamId() + " (expected: at most " + Frame.MAX_DATA + ")"));
      return;
    }
    Frame frame = (Frame) msg;
    if (frame.type() != Frame.REQUEST) {
      // containerd 1.6's ttrpc (v1.1.1) sends only requests; the shim API has no streaming calls
      log.debug("ignoring a frame of type {} on stream {}", frame.type(), frame.streamId());
      return;
    }
    if ((frame.streamId() & 1) == 0) {
      respond(ctx, frame.streamId(), Status.INVALID_ARGUMENT.withDescription("stream id " + frame.streamId()
          + " is even (expected: an odd, client-initiated stream id)"));
      return;
    }
    Request request;
    try {
      request = Request.parseFrom(frame.data());
    } catch (InvalidProtocolBufferException e) {
      respond(ctx, frame.streamId(), Status.INVALID_ARGUMENT.withDescription("malformed ttrpc request on stream "
          + frame.streamId() + ": " + e.getMessage()));
      return;
    }
    dispatch(ctx, frame.streamId(), request);
  }

  private void dispatch(ChannelHandlerContext ctx, int streamId, Request request) {
    String service = serviceAliases.getOrDefault(request.getService(), request.getService());
    CallOptions options = CallOptions.DEFAULT;
    if (request.getTimeoutNano() > 0) {
      options = options.withDeadlineAfter(request.getTimeoutNano(), TimeUnit.NANOSECONDS);
    }
    ClientCall<byte[], byte[]> call = target.newCall(BytesMarshaller.unary(service, request.getMethod()), options);
    if (calls.putIfAbsent(streamId, call) != null) {
      log.warn("ignoring a second request on stream {} while the first is running", streamId);
      return;
    }
    call.start(new ClientCall.Listener<>() {
      private byte[] reply;

      @Override
      public void onMessage(byte[] message) {
        reply = message;
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        calls.remove(streamId);
        if (!status.isOk()) {
          respond(ctx, streamId, status);
        } else if (reply == null) {
          respond(ctx, streamId, Status.INTERNAL.withDescription("the call ended without a reply"));
        } else {
          respond(ctx, streamId, Response.newBuilder().setPayload(ByteString.copyFrom(reply)).build());
        }
      }
    }, new Metadata());
    call.request(1);
    call.sendMessage(request.getPayload().toByteArray());
    call.halfClose();
  }

  private static void respond(ChannelHandlerContext ctx, int streamId, Status status) {
    com.google.rpc.Status.Builder wire = com.google.rpc.Status.newBuilder().setCode(status.getCode().value());
    if (status.getDescription() != null) {
      wire.setMessage(status.getDescription());
    }
    respond(ctx, streamId, Response.newBuilder().setStatus(wire).build());
  }

  private static void respond(ChannelHandlerContext ctx, int streamId, Response response) {
    byte[] data = response.toByteArray();
    if (data.length > Frame.MAX_DATA) {
      respond(ctx, streamId, Status.RESOURCE_EXHAUSTED.withDescription("reply of " + data.length
          + " bytes (expected: at most " + Frame.MAX_DATA + ")"));
      return;
    }
    ctx.channel().writeAndFlush(new Frame(streamId, Frame.RESPONSE, 0, data));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    calls.values().forEach(call -> call.cancel("the ttrpc connection closed", null));
    calls.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      // a peer that hangs up mid-read is ordinary (containerd closes connections to dead shims)
      log.debug("closing a ttrpc connection: {}", cause.toString());
    } else {
      log.warn("closing a ttrpc connection: {}", cause.toString());
    }
    ctx.close();
  }
}
