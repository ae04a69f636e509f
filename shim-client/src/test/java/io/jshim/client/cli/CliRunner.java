package io.jshim.client.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;

/** Runs jshimctl in-process with captured output and a chosen environment. */
final class CliRunner {
  record Result(int exitCode, String out, String err) {
  }

  private final Map<String, String> env;
  private final Properties properties;
  private final CliConsole console;

  CliRunner(Map<String, String> env, Properties properties) {
    this(env, properties, CliConsole.SYSTEM);
  }

  CliRunner(Map<String, String> env, Properties properties, CliConsole console) {
    this.env = env;
    this.properties = properties;
    this.console = console;
  }

  /** The same runner with another stdin and terminal. */
  CliRunner withConsole(CliConsole console) {
    return new CliRunner(env, properties, console);
  }

  static CliRunner withoutEnvironment() {
    return new CliRunner(Map.of(), new Properties());
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // the command line main() builds: only the verb args name, when they name one
    CommandLine commandLine = new JshimCtl(env, properties, console).commandLine(args);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** Parses without executing and returns the chosen subcommand's object. */
  <T> T parse(Class<T> type, String... args) {
    CommandLine commandLine = new JshimCtl(env, properties, console).commandLine();
    CommandLine.ParseResult parsed = commandLine.parseArgs(args);
    return type.cast(parsed.subcommand().commandSpec().userObject());
  }
}
