package io.jshim.daemon.spawn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Translates the option strings of an OCI mount ({@code ro}, {@code nosuid}, {@code rbind}, {@code rslave},
 * {@code size=64k}, ...) into {@code MS_*} flags, a propagation and the filesystem data string.
 *
 * @param flags the {@code MS_*} flags
 * @param propagation the propagation flags (with {@code MS_REC} for the recursive forms), 0 for none
 * @param data the options the kernel flags do not cover, comma-joined, for the filesystem
 */
public record MountOptions(long flags, long propagation, String data) {
  public static final long MS_RDONLY = 1;
  public static final long MS_NOSUID = 2;
  public static final long MS_NODEV = 4;
  public static final long MS_NOEXEC = 8;
  public static final long MS_SYNCHRONOUS = 16;
  public static final long MS_REMOUNT = 32;
  public static final long MS_MANDLOCK = 64;
  public static final long MS_DIRSYNC = 128;
  public static final long MS_NOATIME = 1024;
  public static final long MS_NODIRATIME = 2048;
  public static final long MS_BIND = 4096;
  public static final long MS_REC = 16384;
  public static final long MS_UNBINDABLE = 1 << 17;
  public static final long MS_PRIVATE = 1 << 18;
  public static final long MS_SLAVE = 1 << 19;
  public static final long MS_SHARED = 1 << 20;
  public static final long MS_RELATIME = 1 << 21;
  public static final long MS_STRICTATIME = 1 << 24;

  /** Option name to (flag, set?): "ro" sets MS_RDONLY, "rw" clears it. */
  private record Effect(long flag, boolean set) {}

  private static final Map<String, Effect> FLAGS = Map.ofEntries(
      Map.entry("ro", new Effect(MS_RDONLY, true)), Map.entry("rw", new Effect(MS_RDONLY, false)),
      Map.entry("nosuid", new Effect(MS_NOSUID, true)), Map.entry("suid", new Effect(MS_NOSUID, false)),
      Map.entry("nodev", new Effect(MS_NODEV, true)), Map.entry("dev", new Effect(MS_NODEV, false)),
      Map.entry("noexec", new Effect(MS_NOEXEC, true)), Map.entry("exec", new Effect(MS_NOEXEC, false)),
      Map.entry("sync", new Effect(MS_SYNCHRONOUS, true)), Map.entry("async", new Effect(MS_SYNCHRONOUS, false)),
      Map.entry("dirsync", new Effect(MS_DIRSYNC, true)),
      Map.entry("remount", new Effect(MS_REMOUNT, true)),
      Map.entry("mand", new Effect(MS_MANDLOCK, true)), Map.entry("nomand", new Effect(MS_MANDLOCK, false)),
      Map.entry("noatime", new Effect(MS_NOATIME, true)), Map.entry("atime", new Effect(MS_NOATIME, false)),
      Map.entry("nodiratime", new Effect(MS_NODIRATIME, true)), Map.entry("diratime", new Effect(MS_NODIRATIME, false)),
      Map.entry("bind", new Effect(MS_BIND, true)), Map.entry("rbind", new Effect(MS_BIND | MS_REC, true)),
      Map.entry("relatime", new Effect(MS_RELATIME, true)), Map.entry("norelatime", new Effect(MS_RELATIME, false)),
      Map.entry("strictatime", new Effect(MS_STRICTATIME, true)),
      Map.entry("nostrictatime", new Effect(MS_STRICTATIME, false)));

  private static final Map<String, Long> PROPAGATION = Map.of(
      "private", MS_PRIVATE, "rprivate", MS_PRIVATE | MS_REC,
      "slave", MS_SLAVE, "rslave", MS_SLAVE | MS_REC,
      "shared", MS_SHARED, "rshared", MS_SHARED | MS_REC,
      "unbindable", MS_UNBINDABLE, "runbindable", MS_UNBINDABLE | MS_REC);

  /** Options that change how a mount is made and that jshim does not implement. */
  private static final List<String> UNSUPPORTED = List.of("tmpcopyup", "idmap", "ridmap", "rro", "rrw", "rnosuid",
      "rsuid", "rnodev", "rdev", "rnoexec", "rexec", "rnoatime", "ratime", "rrelatime", "rnorelatime",
      "rstrictatime", "rnostrictatime", "rnodiratime", "rdiratime", "nosymfollow", "rnosymfollow");

  /**
   * Parses OCI mount options; anything that is neither a kernel flag nor a propagation is filesystem data.
   *
   * @throws IllegalArgumentException naming an option that is known but not supported
   */
  public static MountOptions parse(List<String> options) {
    long flags = 0;
    long propagation = 0;
    List<String> data = new ArrayList<>();
    for (String option : options) {
      Effect effect = FLAGS.get(option);
      Long prop = PROPAGATION.get(option);
      if (effect != null) {
        flags = effect.set() ? flags | effect.flag() : flags & ~effect.flag();
      } else if (prop != null) {
        propagation = prop;
      } else if (UNSUPPORTED.contains(option)) {
        throw new IllegalArgumentException("option \"" + option + "\" is not supported (expected: the mount(2) flags, "
            + "propagation options or filesystem data)");
      } else if (!option.isEmpty() && !option.equals("defaults")) {
        data.add(option);
      }
    }
    return new MountOptions(flags, propagation, String.join(",", data));
  }

  /** The propagation flags of a {@code linux.rootfsPropagation} value, if it names one. */
  public static Optional<Long> propagation(String name) {
    return Optional.ofNullable(PROPAGATION.get(name));
  }
}
