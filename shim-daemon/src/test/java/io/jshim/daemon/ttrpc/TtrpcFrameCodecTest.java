package io.jshim.daemon.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TtrpcFrameCodecTest {
  @Test
  void encodeThenDecode_givesTheSameFrame() {
    Frame frame = new Frame(7, Frame.REQUEST, 2, "hello".getBytes(StandardCharsets.UTF_8));
    EmbeddedChannel channel = new EmbeddedChannel(new FrameCodec());

    channel.writeOutbound(frame);
    ByteBuf wire = channel.readOutbound();
    assertThat(wire.readableBytes()).isEqualTo(10 + 5);
    assertThat(wire.getUnsignedInt(0)).isEqualTo(5);
    assertThat(wire.getInt(4)).isEqualTo(7);
    assertThat(wire.getByte(8)).isEqualTo((byte) 1);
    assertThat(wire.getByte(9)).isEqualTo((byte) 2);
    channel.writeInbound(wire);

    assertThat(channel.<Object>readInbound()).isEqualTo(frame);
  }

  @Test
  void decode_frameSplitAcrossReads_waitsForAllBytes() {
    EmbeddedChannel channel = new EmbeddedChannel(new FrameCodec());
    ByteBuf wire = encode(3, new byte[] {1, 2, 3, 4});

    channel.writeInbound(wire.readRetainedSlice(6));
    assertThat(channel.<Object>readInbound()).isNull();
    channel.writeInbound(wire.readRetainedSlice(wire.readableBytes()));
    wire.release();

    assertThat(channel.<Object>readInbound()).isEqualTo(new Frame(3, Frame.REQUEST, 0, new byte[] {1, 2, 3, 4}));
  }

  @Test
  void decode_dataOver4MiB_reportsOversizedSkipsItAndDecodesTheNextFrame() {
    EmbeddedChannel channel = new EmbeddedChannel(new FrameCodec());
    int size = Frame.MAX_DATA + 1;
    ByteBuf big = Unpooled.buffer(10 + size).writeInt(size).writeInt(5).writeByte(Frame.REQUEST).writeByte(0)
        .writeZero(size);

    // arrives in pieces, as it would from a socket
    while (big.isReadable()) {
      channel.writeInbound(big.readRetainedSlice(Math.min(64 * 1024, big.readableBytes())));
    }
    big.release();
    channel.writeInbound(encode(7, new byte[] {9}));

    assertThat(channel.<Object>readInbound()).isEqualTo(new OversizedFrame(5, Frame.REQUEST, size));
    assertThat(channel.<Object>readInbound()).isEqualTo(new Frame(7, Frame.REQUEST, 0, new byte[] {9}));
    assertThat(channel.<Object>readInbound()).isNull();
  }

  @Test
  void frame_dataOver4MiB_isRejected() {
    assertThatThrownBy(() -> new Frame(1, Frame.REQUEST, 0, new byte[Frame.MAX_DATA + 1]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 4194304");
  }

  private static ByteBuf encode(int streamId, byte[] data) {
    return Unpooled.buffer().writeInt(data.length).writeInt(streamId).writeByte(Frame.REQUEST).writeByte(0)
        .writeBytes(data);
  }
}
