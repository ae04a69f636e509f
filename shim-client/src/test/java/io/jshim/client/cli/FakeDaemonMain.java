package io.jshim.client.cli;

import io.jshim.client.FakeTaskService;
import io.jshim.client.UdsTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A stand-in for {@code bin/jshim-daemon}, launched as a child process by {@link EmbeddedDaemonTest}: same flags,
 * serves {@link FakeTaskService} on {@code --socket} and exits after a Shutdown call.
 */
public final class FakeDaemonMain {
  private FakeDaemonMain() {
  }

  public static void main(String[] args) throws Exception {
    List<String> argv = Arrays.asList(args);
    Path socket = Path.of(argv.get(argv.indexOf("--socket") + 1));
    Path stateDir = Path.of(argv.get(argv.indexOf("--state-dir") + 1));
    Files.createDirectories(stateDir);
    System.err.println("fake daemon listening on " + socket);
    FakeTaskService service = new FakeTaskService();
    UdsTestServer server = UdsTestServer.start(socket, service);
    service.awaitShutdown();
    server.close();
    System.err.println("fake daemon shut down");
    System.exit(0);
  }
}
