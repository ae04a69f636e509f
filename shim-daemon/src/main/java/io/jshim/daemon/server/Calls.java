package io.jshim.daemon.server;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** The one way a unary RPC answers: the domain call's result, or its exception mapped to a status. */
final class Calls {
  private Calls() {}

  static <T> void unary(StreamObserver<T> response, Supplier<T> call) {
    T reply;
    try {
      reply = call.get();
    } catch (RuntimeException e) {
      response.onError(StatusMapper.toStatus(e));
      return;
    }
    response.onNext(reply);
    response.onCompleted();
  }
}
