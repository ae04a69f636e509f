package io.jshim.client.cli;

import io.jshim.client.LogInfo;
import io.jshim.client.ShimClient;
import io.jshim.client.ShimClientException;
import io.jshim.client.TaskStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code jshimctl logs ID}: prints a task's container log, which the daemon writes in the Kubernetes CRI format when
 * the task's config.json asks for one. The text of stdout lines goes to stdout, of stderr lines to stderr, with split
 * lines joined. {@code --reopen} instead asks the daemon to reopen the log file.
 */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Print a task's container log (the io.jshim.log.path annotation): stdout lines to stdout, stderr lines to "
          + "stderr.",
      "With --reopen, make the daemon close and reopen the log file instead (after it was moved away)."
    })
final class LogsCommand extends ClientCommand {
  /** How often {@code --follow} looks for new lines and, when there are none, whether the task has stopped. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  /** The most rotated files looked for, whatever the log's own limit says. */
  private static final int MAX_GENERATIONS = 1000;

  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Option(names = {"-f", "--follow"},
      description = "Keep printing as the log grows, across rotations, until the task has stopped and its log has "
          + "been read to the end (or Ctrl-C).")
  boolean follow;

  @Option(names = "--include-rotated",
      description = "Print the rotated files (<path>.N … <path>.1, oldest first) before the current one.")
  boolean includeRotated;

  @Option(names = "--reopen", description = "Make the daemon reopen the log file at its path; prints the path.")
  boolean reopen;

  @Override
  int call(ShimClient client) throws IOException, InterruptedException {
    if (reopen) {
      if (follow || includeRotated) {
        throw new ParameterException(spec.commandLine(),
            "--reopen cannot be combined with --follow or --include-rotated: it prints no log");
      }
      out().println(client.logs().reopenLog(id).path());
      return 0;
    }
    LogInfo info = client.logs().logInfo(id);
    LogPrinter printer = new LogPrinter(out(), spec.commandLine().getErr(), follow);
    if (includeRotated) {
      for (Path rotated : rotatedOldestFirst(info)) {
        LogFollower.readFile(rotated, printer);
      }
    }
    try (LogFollower follower = new LogFollower(info.path(), printer)) {
      if (follow) {
        // A reader that went away (jshimctl logs -f | head) ends the follow like a stopped task.
        follower.follow(() -> printer.broken() || stopped(client), POLL_INTERVAL);
      } else {
        follower.poll();
        follower.finish();
      }
    }
    printer.finish();
    return 0;
  }

  /**
   * The rotated files of a log that exist, oldest first: {@code path.N} down to {@code path.1}, for N up to the
   * log's {@code max_files - 1} and as far as they go on without a gap.
   *
   * @param info the log
   * @return the files
   */
  static List<Path> rotatedOldestFirst(LogInfo info) {
    List<Path> files = new ArrayList<>();
    for (int generation = 1; generation <= MAX_GENERATIONS; generation++) {
      Path file = info.rotated(generation);
      boolean exists = Files.exists(file);
      if (exists) {
        files.add(file);
      } else if (generation >= info.maxFiles() - 1) {
        break;
      }
    }
    Collections.reverse(files);
    return files;
  }

  private boolean stopped(ShimClient client) {
    try {
      return client.tasks().state(id).status() == TaskStatus.STOPPED;
    } catch (ShimClientException e) {
      if (e.kind() == ShimClientException.Kind.NOT_FOUND) {
        return true;
      }
      throw e;
    }
  }

  /** Parses and joins log lines and prints their text; reports malformed lines on stderr and goes on. */
  static final class LogPrinter implements LogFollower.Sink {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean flushEach;
    private final CriLogJoiner joiner = new CriLogJoiner();

    LogPrinter(PrintWriter out, PrintWriter err, boolean flushEach) {
      this.out = out;
      this.err = err;
      this.flushEach = flushEach;
    }

    @Override
    public void line(Path file, long number, String line) {
      CriLogLine parsed;
      try {
        parsed = CriLogLine.parse(line);
      } catch (IllegalArgumentException e) {
        err.println("jshimctl: " + file + ":" + number + ": malformed log line: " + e.getMessage());
        err.flush();
        return;
      }
      joiner.accept(parsed).ifPresent(this::print);
    }

    /** Prints what is left partial at the end of the log, without a newline. */
    void finish() {
      joiner.flush().forEach(this::print);
      out.flush();
      err.flush();
    }

    /** Whether writing to stdout has failed, as it does once the reading end of a pipe is closed. */
    boolean broken() {
      return out.checkError();
    }

    private void print(CriLogJoiner.Message message) {
      PrintWriter target = message.stream() == CriLogLine.Stream.STDERR ? err : out;
      target.print(message.text());
      if (message.complete()) {
        target.print('\n');
      }
      if (flushEach) {
        target.flush();
      }
    }
  }
}
