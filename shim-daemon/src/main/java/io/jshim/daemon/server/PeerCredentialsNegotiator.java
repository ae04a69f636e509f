package io.jshim.daemon.server;

import io.grpc.Attributes;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.PeerCredentials;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import java.io.IOException;
import java.util.Optional;

/**
 * Plaintext negotiation that also reads SO_PEERCRED of each accepted connection and puts it into the
 * transport attributes, where {@link PeerCredentialsInterceptor} checks it on every call.
 *
 * <p>grpc-java has no public hook from a Netty channel to a call's attributes; its "Internal*" classes
 * are the supported escape hatch for transports, and this is the only place that uses them.
 */
final class PeerCredentialsNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
  /** The peer of the connection a call arrived on. */
  static final Attributes.Key<Peer> PEER = Attributes.Key.create("jshim.peer");

  private final InternalProtocolNegotiator.ProtocolNegotiator plaintext = InternalProtocolNegotiators.serverPlaintext();

  @Override
  public AsciiString scheme() {
    return plaintext.scheme();
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
    return new CredentialsHandler(plaintext.newHandler(grpcHandler));
  }

  @Override
  public void close() {
    plaintext.close();
  }

  /** Sits before the plaintext handler and adds the peer to the negotiation event it forwards. */
  private static final class CredentialsHandler extends ChannelInboundHandlerAdapter {
    private final ChannelHandler next;

    CredentialsHandler(ChannelHandler next) {
      this.next = next;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.pipeline().addAfter(ctx.name(), null, next);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof ProtocolNegotiationEvent negotiation) {
        Attributes.Builder attributes = InternalProtocolNegotiationEvent.getAttributes(negotiation).toBuilder();
        readPeer(ctx).ifPresent(peer -> attributes.set(PEER, peer));
        ctx.fireUserEventTriggered(InternalProtocolNegotiationEvent.withAttributes(negotiation, attributes.build()));
        ctx.pipeline().remove(this);
        return;
      }
      super.userEventTriggered(ctx, event);
    }

    private static Optional<Peer> readPeer(ChannelHandlerContext ctx) {
      if (!(ctx.channel() instanceof EpollDomainSocketChannel channel)) {
        return Optional.empty();
      }
      try {
        PeerCredentials credentials = channel.peerCredentials();
        int[] gids = credentials.gids();
        return Optional.of(new Peer(credentials.pid(), credentials.uid(), gids.length > 0 ? gids[0] : -1));
      } catch (IOException e) {
        return Optional.empty();
      }
    }
  }
}
