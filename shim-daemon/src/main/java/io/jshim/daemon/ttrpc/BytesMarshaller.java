package io.jshim.daemon.ttrpc;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes serialized messages through gRPC unchanged: ttrpc payloads are already protobuf bytes, and the gRPC server
 * parses requests itself where a malformed one must get its own answer.
 */
public enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  INSTANCE;

  @Override
  public InputStream stream(byte[] value) {
    return new ByteArrayInputStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("cannot read a message: " + e.getMessage()).withCause(e).asRuntimeException();
    }
  }

  static MethodDescriptor<byte[], byte[]> unary(String service, String method) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(service, method))
        .setRequestMarshaller(INSTANCE)
        .setResponseMarshaller(INSTANCE)
        .build();
  }
}
