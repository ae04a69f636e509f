package io.jshim.daemon.cgroup;

import static io.jshim.daemon.cgroup.CgroupResources.field;

import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Writes hugetlb limits: {@code hugetlb.<size>.<suffix>}, and the reservation limit beside it where there is one. */
final class Hugetlb {
  private Hugetlb() {}

  /**
   * @param suffix {@code limit_in_bytes} on cgroup v1, {@code max} on v2
   */
  static void set(Path dir, HugepageLimit limit, String suffix) {
    String file = "hugetlb." + limit.pageSize() + "." + suffix;
    if (!Files.exists(dir.resolve(file))) {
      throw ShimException.failedPrecondition(field("hugepageLimits") + ": page size " + limit.pageSize()
          + " cannot be limited, " + dir + " has no " + file + " (expected: one of this kernel's sizes "
          + pageSizes(dir, suffix) + ")");
    }
    String value = Long.toString(limit.limit());
    CgroupFs.set(dir, file, value, field("hugepageLimits"));
    // since 5.7 the kernel also limits reservations (mmap of hugetlbfs); without this a reservation could still
    // exceed the limit and fail later with SIGBUS instead of at mmap
    String rsvd = "hugetlb." + limit.pageSize() + ".rsvd." + suffix;
    if (Files.exists(dir.resolve(rsvd))) {
      CgroupFs.set(dir, rsvd, value, field("hugepageLimits"));
    }
  }

  /** The page sizes that have a {@code hugetlb.<size>.<suffix>} file in {@code dir}. */
  static List<String> pageSizes(Path dir, String suffix) {
    String end = "." + suffix;
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith("hugetlb.") && n.endsWith(end) && !n.contains(".rsvd."))
          .map(n -> n.substring("hugetlb.".length(), n.length() - end.length()))
          .sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
