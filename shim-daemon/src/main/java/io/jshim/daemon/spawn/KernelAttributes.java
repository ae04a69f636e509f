package io.jshim.daemon.spawn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Kernel attributes a workload gets besides its namespaces, mounts and credentials, as the helper takes them
 * ({@code --personality}, {@code --ioprio}, {@code --sched}, {@code --domainname}, {@code --time-offset},
 * {@code --cpu-affinity-initial}, {@code --cpu-affinity-final}). Values are checked by whoever builds them
 * (the task domain's reader); this record only carries them.
 *
 * @param personality the persona for personality(2): execution domain | flags
 * @param ioPriority the I/O scheduling class and level
 * @param scheduler the sched_setattr(2) values
 * @param domainname the NIS domain name of the workload's new uts namespace
 * @param timeOffsets the clock offsets of the workload's new time namespace
 * @param cpuAffinityInitial the helper's CPUs before it enters the cgroups (a list such as {@code 0-3,7})
 * @param cpuAffinityFinal the CPUs after it entered them, which the workload inherits
 */
public record KernelAttributes(OptionalInt personality, Optional<IoPriority> ioPriority, Optional<Scheduler> scheduler,
    Optional<String> domainname, List<TimeOffset> timeOffsets, Optional<String> cpuAffinityInitial,
    Optional<String> cpuAffinityFinal) {

  private static final KernelAttributes NONE = new KernelAttributes(OptionalInt.empty(), Optional.empty(),
      Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty());

  public KernelAttributes {
    Objects.requireNonNull(personality, "personality");
    Objects.requireNonNull(ioPriority, "ioPriority");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(domainname, "domainname");
    timeOffsets = List.copyOf(timeOffsets);
    Objects.requireNonNull(cpuAffinityInitial, "cpuAffinityInitial");
    Objects.requireNonNull(cpuAffinityFinal, "cpuAffinityFinal");
  }

  /** Nothing set: the workload keeps what the helper inherited. */
  public static KernelAttributes none() {
    return NONE;
  }

  /**
   * The I/O priority of ioprio_set(2).
   *
   * @param ioClass 1 real-time, 2 best-effort, 3 idle
   * @param level 0 (highest) .. 7
   */
  public record IoPriority(int ioClass, int level) {
    public IoPriority {
      if (ioClass < 1 || ioClass > 3 || level < 0 || level > 7) {
        throw new IllegalArgumentException("I/O priority " + ioClass + ":" + level + " (expected: class 1..3, level 0..7)");
      }
    }
  }

  /**
   * The values of sched_setattr(2).
   *
   * @param policy SCHED_OTHER 0, FIFO 1, RR 2, BATCH 3, IDLE 5, DEADLINE 6
   * @param flags a SCHED_FLAG_* mask
   * @param runtime SCHED_DEADLINE runtime in nanoseconds, unsigned
   */
  public record Scheduler(int policy, int nice, int priority, long flags, long runtime, long deadline, long period) {
    String helperArgument() {
      return policy + ":" + nice + ":" + priority + ":0x" + Long.toHexString(flags) + ":"
          + Long.toUnsignedString(runtime) + ":" + Long.toUnsignedString(deadline) + ":" + Long.toUnsignedString(period);
    }
  }

  /**
   * One clock's offset in a new time namespace.
   *
   * @param clock {@code monotonic} or {@code boottime}
   * @param nanos 0..999999999
   */
  public record TimeOffset(String clock, long secs, long nanos) {
    public TimeOffset {
      if (!clock.equals("monotonic") && !clock.equals("boottime")) {
        throw new IllegalArgumentException("clock: " + clock + " (expected: monotonic or boottime)");
      }
      if (nanos < 0 || nanos > 999_999_999L) {
        throw new IllegalArgumentException("nanos: " + nanos + " (expected: 0..999999999)");
      }
    }
  }

  /** The helper's options for these attributes. */
  List<String> helperArguments() {
    List<String> argv = new ArrayList<>();
    personality.ifPresent(p -> argv.addAll(List.of("--personality", "0x" + Integer.toHexString(p))));
    ioPriority.ifPresent(p -> argv.addAll(List.of("--ioprio", p.ioClass() + ":" + p.level())));
    scheduler.ifPresent(s -> argv.addAll(List.of("--sched", s.helperArgument())));
    domainname.ifPresent(d -> argv.addAll(List.of("--domainname", d)));
    timeOffsets.forEach(t -> argv.addAll(List.of("--time-offset", t.clock() + ":" + t.secs() + ":" + t.nanos())));
    cpuAffinityInitial.ifPresent(c -> argv.addAll(List.of("--cpu-affinity-initial", c)));
    cpuAffinityFinal.ifPresent(c -> argv.addAll(List.of("--cpu-affinity-final", c)));
    return argv;
  }
}
