package io.jshim.client;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Bridges one unary call of the async stub to a {@link CompletableFuture}: the response is mapped to a record, an
 * error to a {@link ShimClientException}, and cancelling the future cancels the call.
 */
final class UnaryCall<Q, R, T> implements ClientResponseObserver<Q, R> {
  private final Function<R, T> mapper;
  private final Path socket;
  private final CallFuture future = new CallFuture();
  private volatile ClientCallStreamObserver<Q> requests;
  private R response;

  UnaryCall(Function<R, T> mapper, Path socket) {
    this.mapper = mapper;
    this.socket = socket;
  }

  CompletableFuture<T> future() {
    return future;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
    this.requests = requestStream;
  }

  @Override
  public void onNext(R value) {
    response = value;
  }

  @Override
  public void onError(Throwable error) {
    future.completeExceptionally(ShimClientException.from(error, socket));
  }

  @Override
  public void onCompleted() {
    try {
      future.complete(mapper.apply(response));
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
    }
  }

  private final class CallFuture extends CompletableFuture<T> {
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      ClientCallStreamObserver<Q> stream = requests;
      if (cancelled && stream != null) {
        stream.cancel("cancelled by the caller", null);
      }
      return cancelled;
    }
  }
}
