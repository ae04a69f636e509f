package io.jshim.bench;

import static io.jshim.bench.OptionValues.ints;
import static io.jshim.bench.OptionValues.nonNegative;
import static io.jshim.bench.OptionValues.positive;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command line of {@link ForkGateBench}; every option is {@code --name VALUE} or {@code --name=VALUE}.
 *
 * @param spawners        spawner threads released together
 * @param perThread       spawns per spawner thread, one after the other
 * @param fdThreads       fd-creator thread counts to run (F)
 * @param variants        variants to run, in this order
 * @param reps            measured repetitions of every (variant, F) cell; the table shows medians
 * @param warmup          discarded warm-up rounds (each: one latency and one probe burst per variant)
 * @param leadMillis      how long the fd creators run before the spawners are released
 * @param timeoutSeconds  a burst that takes longer fails the run (and its children are killed)
 * @param fdIntervalMicros 0: each fd creator loops back to back; N: one operation every N µs per creator
 * @param helper          the {@code jshim-spawn} binary
 * @param testbin         the {@code jshim-testbin} binary
 * @param namespaces      {@code --ns} for the helper (empty: none, as the default)
 */
record BenchOptions(int spawners, int perThread, List<Integer> fdThreads, List<Variant> variants, int reps,
                    int warmup, long leadMillis, long timeoutSeconds, long fdIntervalMicros, Path helper,
                    Path testbin, String namespaces) {

  static final String USAGE = String.join("\n",
      "ForkGateBench [--spawners 50] [--spawns-per-thread 1] [--fd-threads 0,4,8] [--variants a,b,c,d,x]",
      "              [--reps 5] [--warmup 2] [--lead-ms 20] [--timeout-s 120] [--fd-interval-us 0]",
      "              [--helper PATH] [--testbin PATH] [--ns LIST]",
      "variants: a (RW, fork = write), af (same, fair lock), b (RW, fork = read), c (xor ForkGate),",
      "          d (no lock, pipe2(O_CLOEXEC), child sweeps), x (no lock, pipe()+fcntl, no sweep: must leak)");

  static BenchOptions parse(String... args) {
    int spawners = 50;
    int perThread = 1;
    List<Integer> fdThreads = List.of(0, 4, 8);
    List<Variant> variants = parseVariants("a,b,c,d,x");
    int reps = 5;
    int warmup = 2;
    long leadMillis = 20;
    long timeoutSeconds = 120;
    long fdIntervalMicros = 0;
    Path helper = Path.of(System.getProperty("jshim.helper", "native/target/native/jshim-spawn"));
    Path testbin = Path.of(System.getProperty("jshim.testbin", "native/target/native/jshim-testbin"));
    String namespaces = "";
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.isBlank()) {
        continue;
      }
      String name = arg;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("option " + arg + " needs a value\n" + USAGE);
      }
      switch (name) {
        case "--spawners" -> spawners = positive(name, value);
        case "--spawns-per-thread" -> perThread = positive(name, value);
        case "--fd-threads" -> fdThreads = ints(name, value);
        case "--variants" -> variants = parseVariants(value);
        case "--reps" -> reps = positive(name, value);
        case "--warmup" -> warmup = nonNegative(name, value);
        case "--lead-ms" -> leadMillis = nonNegative(name, value);
        case "--timeout-s" -> timeoutSeconds = positive(name, value);
        case "--fd-interval-us" -> fdIntervalMicros = nonNegative(name, value);
        case "--helper" -> helper = Path.of(value);
        case "--testbin" -> testbin = Path.of(value);
        case "--ns" -> namespaces = value.trim();
        default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
      }
    }
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("--variants: empty list\n" + USAGE);
    }
    return new BenchOptions(spawners, perThread, fdThreads, variants, reps, warmup, leadMillis, timeoutSeconds,
        fdIntervalMicros, helper.toAbsolutePath(), testbin.toAbsolutePath(), namespaces);
  }

  /** Fails unless both binaries are there. */
  BenchOptions checked() {
    for (Path p : List.of(helper, testbin)) {
      if (!Files.isExecutable(p)) {
        throw new IllegalArgumentException(p + " is not an executable (build it: mvn -q install -DskipTests)");
      }
    }
    return this;
  }

  /** The helper's options before {@code --}. */
  List<String> helperOptions() {
    return namespaces.isEmpty() ? List.of() : List.of("--ns", namespaces);
  }

  private static List<Variant> parseVariants(String value) {
    return Arrays.stream(value.split(",")).filter(s -> !s.isBlank()).map(Variant::of).toList();
  }
}
