package io.jshim.client.cli;

import io.jshim.client.CreateOptions;
import io.jshim.client.ShimClient;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jshimctl create ID --bundle DIR}: creates a task and prints its pid. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Create a task from an OCI bundle and print its pid.")
final class CreateCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Option(names = {"-b", "--bundle"}, required = true, paramLabel = "DIR",
      description = "Bundle directory holding config.json.")
  Path bundle;

  @Option(names = "--stdin", paramLabel = "PATH", description = "File or FIFO for stdin (default: /dev/null).")
  String stdin = "";

  @Option(names = "--stdout", paramLabel = "PATH", description = "File or FIFO for stdout (default: /dev/null).")
  String stdout = "";

  @Option(names = "--stderr", paramLabel = "PATH", description = "File or FIFO for stderr (default: /dev/null).")
  String stderr = "";

  @Override
  int call(ShimClient client) {
    CreateOptions options = CreateOptions.builder(id, bundle.toAbsolutePath().normalize())
        .stdin(absolute(stdin))
        .stdout(absolute(stdout))
        .stderr(absolute(stderr))
        .build();
    out().println(client.tasks().create(options));
    return 0;
  }

  /** The daemon resolves paths against its own working directory, so send absolute ones. */
  private static String absolute(String path) {
    return path.isEmpty() ? path : Path.of(path).toAbsolutePath().normalize().toString();
  }
}
