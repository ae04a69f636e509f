package io.jshim.client;

import io.grpc.ManagedChannel;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The one channel of a {@link ShimClient} and the way every concern's client makes a unary call on it: the deadline,
 * the bridge to a {@link CompletableFuture} and the blocking wait.
 */
final class Rpcs {
  /** The shape of every unary method of a generated async stub. */
  @FunctionalInterface
  interface Rpc<S, Q, R> {
    void invoke(S stub, Q request, StreamObserver<R> responses);
  }

  private final ManagedChannel channel;
  private final Path socket;
  private final Duration callTimeout;

  Rpcs(ManagedChannel channel, Path socket, Duration callTimeout) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.socket = Objects.requireNonNull(socket, "socket");
    this.callTimeout = Args.checkTimeout(callTimeout);
  }

  ManagedChannel channel() {
    return channel;
  }

  Path socket() {
    return socket;
  }

  /**
   * Starts a call.
   *
   * @param deadline whether the call timeout applies (every call but a wait)
   */
  <S extends AbstractStub<S>, Q, R, T> CompletableFuture<T> call(
      S base, Rpc<S, Q, R> rpc, Q request, Function<R, T> mapper, boolean deadline) {
    S target = deadline && !callTimeout.isZero()
        ? base.withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS)
        : base;
    UnaryCall<Q, R, T> call = new UnaryCall<>(mapper, socket);
    try {
      rpc.invoke(target, request, call);
    } catch (RuntimeException e) {
      call.future().completeExceptionally(ShimClientException.from(e, socket));
    }
    return call.future();
  }

  /** Waits for a call's answer; the failure is rethrown with the caller's stack. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ShimClientException(ShimClientException.Kind.CANCELLED,
          "interrupted while waiting for the daemon", e);
    } catch (ExecutionException e) {
      ShimClientException failure = e.getCause() instanceof ShimClientException sce
          ? sce
          : ShimClientException.from(e.getCause(), Path.of(""));
      // Rethrow with the caller's stack: the original one ends in a gRPC callback thread.
      throw new ShimClientException(failure.kind(), failure.getMessage(), failure.getCause());
    }
  }
}
