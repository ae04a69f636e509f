package io.jshim.daemon.server;

import io.grpc.Attributes;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.jshim.daemon.ttrpc.BytesMarshaller;
import java.io.ByteArrayInputStream;

/**
 * Answers a request that is not a valid protobuf message with {@code INVALID_ARGUMENT}. gRPC itself parses a
 * request before any interceptor sees it, and turns a parse failure into {@code UNKNOWN "Application error
 * processing RPC"}; here the service takes the bytes and parses them itself, where a failure can be answered.
 */
final class MalformedRequests {
  private MalformedRequests() {}


  static ServerServiceDefinition refuse(BindableService service) {
    ServerServiceDefinition original = service.bindService();
    ServiceDescriptor descriptor = original.getServiceDescriptor();
    ServiceDescriptor.Builder wrappedDescriptor = ServiceDescriptor.newBuilder(descriptor.getName())
        .setSchemaDescriptor(descriptor.getSchemaDescriptor());
    java.util.List<ServerMethodDefinition<byte[], ?>> methods = original.getMethods().stream()
        .<ServerMethodDefinition<byte[], ?>>map(MalformedRequests::wrap).toList();
    methods.forEach(m -> wrappedDescriptor.addMethod(m.getMethodDescriptor()));
    ServerServiceDefinition.Builder wrapped = ServerServiceDefinition.builder(wrappedDescriptor.build());
    methods.forEach(wrapped::addMethod);
    return wrapped.build();
  }

  private static <Q, R> ServerMethodDefinition<byte[], R> wrap(ServerMethodDefinition<Q, R> definition) {
    MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
    MethodDescriptor<byte[], R> raw = method.toBuilder(BytesMarshaller.INSTANCE, method.getResponseMarshaller()).build();
    ServerCallHandler<byte[], R> handler = (call, headers) -> {
      ServerCall.Listener<Q> listener = definition.getServerCallHandler().startCall(new Typed<>(call, method), headers);
      return new Parsing<>(call, method, listener);
    };
    return ServerMethodDefinition.create(raw, handler);
  }

  /** Parses each request for the service's listener; a malformed one closes the call instead. */
  private static final class Parsing<Q, R> extends ServerCall.Listener<byte[]> {
    private final ServerCall<byte[], R> call;
    private final MethodDescriptor<Q, R> method;
    private final ServerCall.Listener<Q> delegate;
    private boolean refused;

    Parsing(ServerCall<byte[], R> call, MethodDescriptor<Q, R> method, ServerCall.Listener<Q> delegate) {
      this.call = call;
      this.method = method;
      this.delegate = delegate;
    }

    @Override
    public void onMessage(byte[] message) {
      if (refused) {
        return;
      }
      Q request;
      try {
        request = method.parseRequest(new ByteArrayInputStream(message));
      } catch (RuntimeException e) {
        refused = true;
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        call.close(Status.INVALID_ARGUMENT.withDescription("malformed " + method.getBareMethodName()
            + " request: not a valid protobuf message (" + cause.getMessage() + ")"), new Metadata());
        return;
      }
      delegate.onMessage(request);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      delegate.onCancel();
    }

    @Override
    public void onComplete() {
      delegate.onComplete();
    }

    @Override
    public void onReady() {
      delegate.onReady();
    }
  }

  /** The byte-level call, seen by the service with its own request type. */
  private static final class Typed<Q, R> extends ServerCall<Q, R> {
    private final ServerCall<byte[], R> call;
    private final MethodDescriptor<Q, R> method;

    Typed(ServerCall<byte[], R> call, MethodDescriptor<Q, R> method) {
      this.call = call;
      this.method = method;
    }

    @Override
    public void request(int numMessages) {
      call.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      call.sendHeaders(headers);
    }

    @Override
    public void sendMessage(R message) {
      call.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      call.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return call.isCancelled();
    }

    @Override
    public boolean isReady() {
      return call.isReady();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      call.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      call.setCompression(compressor);
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      call.setOnReadyThreshold(numBytes);
    }

    @Override
    public SecurityLevel getSecurityLevel() {
      return call.getSecurityLevel();
    }

    @Override
    public Attributes getAttributes() {
      return call.getAttributes();
    }

    @Override
    public String getAuthority() {
      return call.getAuthority();
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return method;
    }
  }
}
