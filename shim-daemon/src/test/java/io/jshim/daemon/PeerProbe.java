package io.jshim.daemon;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.jshim.proto.task.v2.ConnectRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import java.util.concurrent.TimeUnit;

/** Run in a separate process under another uid: calls Connect and prints the status code it got. */
public final class PeerProbe {
  private PeerProbe() {}

  public static void main(String[] args) throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilder("unix://" + args[0], InsecureChannelCredentials.create()).build();
    try {
      TaskGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS).connect(ConnectRequest.getDefaultInstance());
      System.out.println("OK");
    } catch (RuntimeException e) {
      Status status = Status.fromThrowable(e);
      System.out.println(status.getCode() + " " + status.getDescription());
    } finally {
      channel.shutdownNow();
    }
  }
}
