package io.jshim.client.cli;

import io.jshim.client.ShimClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A verb that makes calls on one daemon: opens the client, runs, closes it. */
abstract class ClientCommand implements Callable<Integer> {
  @ParentCommand
  JshimCtl ctl;

  @Spec
  CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    try (ShimClient client = ctl.connect()) {
      return call(client);
    }
  }

  /**
   * Runs the verb.
   *
   * @param client a client of the chosen daemon
   * @return the exit code
   * @throws Exception anything the verb fails with; reported as {@code jshimctl: <message>}
   */
  abstract int call(ShimClient client) throws Exception;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
