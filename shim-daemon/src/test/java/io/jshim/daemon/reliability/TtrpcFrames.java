package io.jshim.daemon.reliability;

import io.jshim.proto.ttrpc.Response;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A ttrpc connection at the frame level: a 10-byte header (length, stream id, type, flags), then the data. */
final class TtrpcFrames implements AutoCloseable {
  static final int REQUEST = 1;
  static final int RESPONSE = 2;

  private final SocketChannel socket;

  private TtrpcFrames(SocketChannel socket) {
    this.socket = socket;
  }

  static TtrpcFrames open(Path path) throws IOException {
    SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
    socket.connect(UnixDomainSocketAddress.of(path));
    return new TtrpcFrames(socket);
  }

  void send(int streamId, int type, byte[] data) throws IOException {
    ByteBuffer frame = ByteBuffer.allocate(10 + data.length);
    frame.putInt(data.length).putInt(streamId).put((byte) type).put((byte) 0).put(data).flip();
    while (frame.hasRemaining()) {
      socket.write(frame);
    }
  }

  /** The next frame, waiting at most {@code seconds}; its data parsed as a Response. */
  Answer receive(long seconds) throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      try {
        ByteBuffer header = readFully(10);
        int length = header.getInt();
        int streamId = header.getInt();
        int type = header.get();
        return new Answer(streamId, type, Response.parseFrom(readFully(length)));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).get(seconds, TimeUnit.SECONDS);
  }

  private ByteBuffer readFully(int n) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(n);
    while (buffer.hasRemaining()) {
      if (socket.read(buffer) < 0) {
        throw new IOException("the server closed the connection");
      }
    }
    return buffer.flip();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** One frame from the server. */
  record Answer(int streamId, int type, Response response) {
  }
}
