package io.jshim.daemon.cgroup;

import io.jshim.daemon.error.ShimException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A validated OCI {@code linux.cgroupsPath}: absolute paths name a cgroup below each hierarchy's root, relative
 * ones a cgroup below the daemon's own cgroup in that hierarchy.
 *
 * @param absolute true if the path started with a slash
 * @param names the path's elements, never empty, never {@code .} or {@code ..}
 */
record CgroupsPath(boolean absolute, List<String> names) {
  // systemd's cgroup driver spells a path "slice:prefix:name" and creates a transient unit for it
  private static final Pattern SYSTEMD = Pattern.compile("[^/:]*:[^/:]*:[^/:]+");

  CgroupsPath {
    names = List.copyOf(names);
  }

  static CgroupsPath parse(String cgroupsPath) {
    if (SYSTEMD.matcher(cgroupsPath).matches()) {
      throw ShimException.unimplemented("linux.cgroupsPath: \"" + cgroupsPath + "\" is a systemd slice:prefix:name path"
          + " (expected: a cgroupfs path such as /jshim/ID; the systemd cgroup driver is not supported)");
    }
    List<String> names = new ArrayList<>();
    for (String name : cgroupsPath.split("/")) {
      if (name.equals(".") || name.equals("..")) {
        throw ShimException.invalidArgument("linux.cgroupsPath: \"" + cgroupsPath + "\" contains \"" + name
            + "\" (expected: a path without . or .. elements)");
      }
      if (name.indexOf('\0') >= 0) {
        throw ShimException.invalidArgument("linux.cgroupsPath: contains a NUL byte (expected: a plain path)");
      }
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    if (names.isEmpty()) {
      throw ShimException.invalidArgument("linux.cgroupsPath: \"" + cgroupsPath
          + "\" (expected: at least one path element, such as /jshim/ID)");
    }
    return new CgroupsPath(cgroupsPath.startsWith("/"), names);
  }

  @Override
  public String toString() {
    return (absolute ? "/" : "") + String.join("/", names);
  }
}
