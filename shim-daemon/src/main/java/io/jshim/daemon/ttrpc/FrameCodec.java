package io.jshim.daemon.ttrpc;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.codec.ByteToMessageCodec;
import java.util.List;

/**
 * ttrpc framing: a 10-byte header (uint32 BE data length, uint32 BE stream id, uint8 type, uint8 flags)
 * and the data. Decodes to {@link Frame}, or {@link OversizedFrame} when the data is larger than
 * {@link Frame#MAX_DATA}, whose bytes are then discarded as they arrive.
 */
final class FrameCodec extends ByteToMessageCodec<Frame> {
  private long discarding;

  FrameCodec() {
    super(Frame.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
    out.writeInt(frame.data().length);
    out.writeInt(frame.streamId());
    out.writeByte(frame.type());
    out.writeByte(frame.flags());
    out.writeBytes(frame.data());
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (true) {
      if (discarding > 0) {
        int skip = (int) Math.min(discarding, in.readableBytes());
        in.skipBytes(skip);
        discarding -= skip;
        if (discarding > 0) {
          return;
        }
      }
      if (in.readableBytes() < Frame.HEADER_LENGTH) {
        return;
      }
      int start = in.readerIndex();
      long length = in.getUnsignedInt(start);
      int streamId = in.getInt(start + 4);
      int type = in.getUnsignedByte(start + 8);
      int flags = in.getUnsignedByte(start + 9);
      if (length > Frame.MAX_DATA) {
        in.skipBytes(Frame.HEADER_LENGTH);
        discarding = length;
        out.add(new OversizedFrame(streamId, type, length));
        continue;
      }
      if (in.readableBytes() < Frame.HEADER_LENGTH + length) {
        return;
      }
      in.skipBytes(Frame.HEADER_LENGTH);
      byte[] data = new byte[(int) length];
      in.readBytes(data);
      out.add(new Frame(streamId, type, flags, data));
    }
  }
}
