package io.jshim.daemon.cgroup;

import static io.jshim.daemon.cgroup.CgroupResources.field;

import io.jshim.daemon.error.ShimException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of OCI {@code linux.resources.hugepageLimits}: the most memory of one huge page size the cgroup may
 * use.
 *
 * @param pageSize the size as the kernel names it in the hugetlb files, e.g. {@code 2MB}, {@code 1GB}
 * @param limit bytes
 */
public record HugepageLimit(String pageSize, long limit) {
  private static final Pattern SIZE = Pattern.compile("[1-9][0-9]*[KMG]B");

  public HugepageLimit {
    Objects.requireNonNull(pageSize, "pageSize");
    if (!SIZE.matcher(pageSize).matches()) {
      throw ShimException.invalidArgument(field("hugepageLimits") + ": pageSize \"" + pageSize
          + "\" (expected: a size such as 2MB or 1GB, as the kernel names it in hugetlb.<size>.* files)");
    }
    if (limit < 0) {
      throw ShimException.invalidArgument(field("hugepageLimits") + ": limit " + limit + " for " + pageSize
          + " (expected: a number of bytes >= 0)");
    }
  }
}
