package io.jshim.bench.runtime;

import static io.jshim.bench.OptionValues.ints;
import static io.jshim.bench.OptionValues.nonNegative;
import static io.jshim.bench.OptionValues.positive;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Command line of {@link RuntimeBench}: {@code --name VALUE} or {@code --name=VALUE}, and two flags.
 *
 * @param runs           containers per batch (N)
 * @param batches        batches of every (path, C) cell
 * @param levels         client concurrency levels (C)
 * @param paths          paths to compare: crun, runc, jshim
 * @param load           containers kept running in the daemon for the Create-latency series (empty: skip it)
 * @param loadRuns       C=1 lifecycles measured at every load level
 * @param warmup         unmeasured C=1 containers per path before the first batch
 * @param daemonJavaOpts JSHIM_EXTRA_JAVA_OPTS of the daemon the harness starts
 * @param keepDaemon     leave the daemon (and the work directory) behind at the end, for profiling
 * @param socket         a daemon already running on this socket instead of one started here
 * @param daemonPid      that daemon's pid (0: the owner of the socket)
 * @param launcher       bin/jshim-daemon
 * @param crun           the crun binary
 * @param runc           the runc binary (also makes the spec template)
 * @param busybox        the static busybox the rootfs is made of
 * @param workDir        where bundles, state and logs go (null: a new directory under /tmp)
 */
record RuntimeBenchOptions(int runs, int batches, List<Integer> levels, List<String> paths, List<Integer> load, int loadRuns,
                           int warmup, String daemonJavaOpts, boolean keepDaemon, Path socket, int daemonPid, Path launcher,
                           Path crun, Path runc, Path busybox, Path workDir) {
  static final List<String> PATHS = List.of("crun", "runc", "jshim");
  static final String USAGE = String.join("\n",
      "RuntimeBench [--runs 50] [--batches 5] [--levels 1,10,50] [--paths crun,runc,jshim] [--load 0,100,500|none]",
      "             [--load-runs 50] [--warmup 20] [--daemon-java-opts \"...\"] [--keep-daemon]",
      "             [--socket PATH [--daemon-pid PID]] [--launcher bin/jshim-daemon] [--crun PATH] [--runc PATH]",
      "             [--busybox /bin/busybox] [--work-dir DIR]");

  static RuntimeBenchOptions parse(String... args) {
    int runs = 50;
    int batches = 5;
    List<Integer> levels = List.of(1, 10, 50);
    List<String> paths = PATHS;
    List<Integer> load = List.of(0, 100, 500);
    int loadRuns = 50;
    int warmup = 20;
    String javaOpts = "";
    boolean keep = false;
    Path socket = null;
    int pid = 0;
    Path launcher = Path.of(System.getProperty("jshim.root", "."), "bin", "jshim-daemon");
    Path crun = null;
    Path runc = null;
    Path busybox = Path.of("/bin/busybox");
    Path workDir = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.isBlank()) {
        continue;
      }
      if (arg.equals("--keep-daemon")) {
        keep = true;
        continue;
      }
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new IllegalArgumentException(USAGE);
      }
      String name = arg;
      String value;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("option " + arg + " needs a value\n" + USAGE);
      }
      switch (name) {
        case "--runs" -> runs = positive(name, value);
        case "--batches" -> batches = positive(name, value);
        case "--levels" -> levels = positives(name, value);
        case "--paths" -> paths = paths(value);
        case "--load" -> load = value.trim().equals("none") ? List.of() : ints(name, value);
        case "--load-runs" -> loadRuns = positive(name, value);
        case "--warmup" -> warmup = nonNegative(name, value);
        case "--daemon-java-opts" -> javaOpts = value;
        case "--socket" -> socket = Path.of(value).toAbsolutePath();
        case "--daemon-pid" -> pid = positive(name, value);
        case "--launcher" -> launcher = Path.of(value);
        case "--crun" -> crun = Path.of(value);
        case "--runc" -> runc = Path.of(value);
        case "--busybox" -> busybox = Path.of(value);
        case "--work-dir" -> workDir = Path.of(value).toAbsolutePath();
        default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
      }
    }
    if (pid > 0 && socket == null) {
      throw new IllegalArgumentException("--daemon-pid needs --socket (the daemon it names)");
    }
    if (keep && socket != null) {
      throw new IllegalArgumentException("--keep-daemon with --socket: the harness did not start that daemon, it never stops it");
    }
    return new RuntimeBenchOptions(runs, batches, levels, paths, load.stream().sorted().distinct().toList(), loadRuns, warmup,
        javaOpts, keep, socket, pid, launcher.toAbsolutePath(), crun != null ? crun : onPath("crun"),
        runc != null ? runc : onPath("runc"), busybox, workDir);
  }

  boolean runs(String path) {
    return paths.contains(path);
  }

  /** Fails unless every binary a chosen path needs is there. */
  RuntimeBenchOptions checked() {
    List<Path> needed = new ArrayList<>(List.of(busybox, runc));
    if (runs("crun")) {
      needed.add(crun);
    }
    if ((runs("jshim") || !load.isEmpty()) && socket == null) {
      needed.add(launcher);
    }
    for (Path p : needed) {
      if (!Files.isExecutable(p)) {
        throw new IllegalArgumentException(p + " is not an executable (runc makes the spec template; busybox must be the static one)");
      }
    }
    return this;
  }

  private static Path onPath(String name) {
    List<String> dirs = new ArrayList<>(Arrays.asList(Optional.ofNullable(System.getenv("PATH")).orElse("").split(":")));
    dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
    for (String dir : dirs) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name);
      }
    }
    return Path.of("/usr/bin", name);
  }

  private static List<String> paths(String value) {
    List<String> out = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    for (String p : out) {
      if (!PATHS.contains(p)) {
        throw new IllegalArgumentException("--paths: " + p + " (expected some of " + String.join(",", PATHS) + ")");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--paths: empty list");
    }
    return out;
  }

  private static List<Integer> positives(String name, String value) {
    List<Integer> out = ints(name, value);
    if (out.contains(0)) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: numbers > 0)");
    }
    return out;
  }
}
