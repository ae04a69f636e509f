package io.jshim.daemon.ttrpc;

import io.jshim.proto.ttrpc.Request;
import io.jshim.proto.ttrpc.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A blocking ttrpc connection that writes and reads frames byte for byte (a 10-byte header: length, stream id, type,
 * flags; then the data), for what a real client never sends.
 */
public final class RawConnection implements AutoCloseable {
  /** The frame type of a request. */
  public static final int REQUEST = Frame.REQUEST;
  /** The frame type of a response. */
  public static final int RESPONSE = Frame.RESPONSE;

  private final SocketChannel socket;

  private RawConnection(SocketChannel socket) {
    this.socket = socket;
  }

  public static RawConnection open(Path path) throws IOException {
    SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
    socket.connect(UnixDomainSocketAddress.of(path));
    return new RawConnection(socket);
  }

  public void send(int streamId, int type, byte[] data) throws IOException {
    ByteBuffer frame = ByteBuffer.allocate(Frame.HEADER_LENGTH + data.length);
    frame.putInt(data.length).putInt(streamId).put((byte) type).put((byte) 0).put(data).flip();
    while (frame.hasRemaining()) {
      socket.write(frame);
    }
  }

  void sendRequest(int streamId, String service, String method, byte[] payload) throws IOException {
    send(streamId, Frame.REQUEST, Request.newBuilder().setService(service).setMethod(method)
        .setPayload(com.google.protobuf.ByteString.copyFrom(payload)).build().toByteArray());
  }

  /** The next frame, waiting at most {@code seconds}; its data parsed as a Response. */
  public Answer receive(long seconds) throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return receive();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).get(seconds, TimeUnit.SECONDS);
  }

  /** The next frame; its data parsed as a Response. */
  Answer receive() throws IOException {
    ByteBuffer header = readFully(Frame.HEADER_LENGTH);
    int length = header.getInt();
    int streamId = header.getInt();
    int type = header.get();
    ByteBuffer data = readFully(length);
    return new Answer(streamId, type, Response.parseFrom(data));
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

  /** Whether the server closed the connection (reads EOF). */
  boolean closedByServer() throws IOException {
    try {
      return socket.read(ByteBuffer.allocate(1)) < 0;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** One frame from the server. */
  public record Answer(int streamId, int type, Response response) {
  }
}
