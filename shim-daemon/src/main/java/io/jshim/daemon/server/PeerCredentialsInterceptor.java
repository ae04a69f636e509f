package io.jshim.daemon.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.TreeSet;

/** Refuses every call from a peer whose uid is not root, the daemon's own, or explicitly allowed. */
final class PeerCredentialsInterceptor implements ServerInterceptor {
  private final Set<Integer> allowed;

  PeerCredentialsInterceptor(int ownUid, Set<Integer> extraUids) {
    Set<Integer> uids = new TreeSet<>(extraUids);
    uids.add(0);
    uids.add(ownUid);
    this.allowed = Set.copyOf(uids);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Peer peer = call.getAttributes().get(PeerCredentialsNegotiator.PEER);
    if (peer == null || !allowed.contains(peer.uid())) {
      String who = peer == null ? "a peer without credentials" : "uid " + peer.uid() + " (pid " + peer.pid() + ")";
      call.close(Status.PERMISSION_DENIED.withDescription(who + " may not use this shim (expected: uid in " + new TreeSet<>(allowed) + ")"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
