package io.jshim.daemon.reliability;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.jshim.proto.task.v2.ConnectRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;

/**
 * Run as a separate process: {@code WaitClient SOCKET ID} connects, prints {@code waiting} once the connection
 * is up, then blocks in Wait and prints {@code exit N}. The faults suite kills it with SIGKILL in between.
 */
public final class WaitClient {
  private WaitClient() {}

  public static void main(String[] args) {
    ManagedChannel channel = Grpc.newChannelBuilder("unix://" + args[0], InsecureChannelCredentials.create()).build();
    TaskGrpc.TaskBlockingStub tasks = TaskGrpc.newBlockingStub(channel);
    tasks.connect(ConnectRequest.newBuilder().setId(args[1]).build());
    System.out.println("waiting");
    System.out.flush();
    System.out.println("exit " + tasks.wait(WaitRequest.newBuilder().setId(args[1]).build()).getExitStatus());
    channel.shutdownNow();
  }
}
