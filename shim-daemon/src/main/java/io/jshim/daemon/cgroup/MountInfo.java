package io.jshim.daemon.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads the cgroup mounts out of the text of {@code /proc/self/mountinfo}. */
final class MountInfo {
  private MountInfo() {}

  /** The {@code cgroup} and {@code cgroup2} mounts, in file order; malformed lines are skipped. */
  static List<CgroupMount> cgroupMounts(String mountinfo) {
    List<CgroupMount> mounts = new ArrayList<>();
    for (String line : mountinfo.split("\n")) {
      // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
      String[] fields = line.trim().split(" ");
      int dash = List.of(fields).indexOf("-");
      if (dash < 6 || fields.length < dash + 4) {
        continue;
      }
      String fsType = fields[dash + 1];
      if (!fsType.equals("cgroup") && !fsType.equals("cgroup2")) {
        continue;
      }
      mounts.add(new CgroupMount(unescape(fields[3]), Path.of(unescape(fields[4])),
          fsType.equals("cgroup2"), Set.of(fields[dash + 3].split(","))));
    }
    return mounts;
  }

  // the kernel writes space, tab, newline and backslash in paths as three octal digits after a backslash
  static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
