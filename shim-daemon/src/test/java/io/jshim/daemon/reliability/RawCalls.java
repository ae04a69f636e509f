package io.jshim.daemon.reliability;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.jshim.daemon.ttrpc.BytesMarshaller;
import java.util.concurrent.TimeUnit;

/** Unary calls whose request is raw bytes, so that a test can send what no generated stub would. */
final class RawCalls {
  private RawCalls() {}


  /** The byte-array twin of {@code method}. */
  static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(method.getFullMethodName()).setRequestMarshaller(BytesMarshaller.INSTANCE)
        .setResponseMarshaller(BytesMarshaller.INSTANCE).build();
  }

  /** Sends {@code request}; the status it ends with ({@code OK} when it succeeded). */
  static Status call(Channel channel, MethodDescriptor<byte[], byte[]> method, byte[] request, long deadlineMillis) {
    try {
      ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS),
          request);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }
}
