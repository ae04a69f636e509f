package io.jshim.daemon.cgroup;

import static io.jshim.daemon.cgroup.CgroupResources.UNLIMITED;
import static io.jshim.daemon.cgroup.CgroupResources.field;

import io.jshim.daemon.error.ShimException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/** Writes {@link CgroupResources} to the files of the cgroup v1 controllers. */
final class V1Resources {
  private final Function<String, Optional<Path>> dirs;

  /**
   * @param dirs the container's directory in the hierarchy of a controller, empty if it is not mounted
   */
  V1Resources(Function<String, Optional<Path>> dirs) {
    this.dirs = dirs;
  }

  void apply(CgroupResources r) {
    if (!r.unified().isEmpty()) {
      throw ShimException.failedPrecondition(field("unified") + ": " + r.unified().keySet().stream().sorted().toList()
          + " cannot be applied, this host's container cgroups are cgroup v1 (expected: no unified entries on a"
          + " cgroup v1 host; they name cgroup v2 files)");
    }
    if (r.touchesMemory()) {
      memory(r);
    }
    if (r.touchesCpu()) {
      cpu(r);
    }
    Path cpuset = r.touchesCpuset() ? dir("cpuset", r.cpusetCpus().isPresent() ? "cpu.cpus" : "cpu.mems") : null;
    r.cpusetCpus().ifPresent(cpus -> CgroupFs.set(cpuset, "cpuset.cpus", cpus, field("cpu.cpus")));
    r.cpusetMems().ifPresent(mems -> CgroupFs.set(cpuset, "cpuset.mems", mems, field("cpu.mems")));
    r.pidsLimit().ifPresent(limit -> CgroupFs.set(dir("pids", "pids.limit"), "pids.max",
        limit <= 0 ? "max" : Long.toString(limit), field("pids.limit")));
    if (!r.devices().isEmpty()) {
      Path devices = dir("devices", "devices");
      // in order, each run of rules for one file on one open of it
      List<String> run = new ArrayList<>();
      String file = null;
      for (DeviceRule rule : r.devices()) {
        String target = rule.allow() ? "devices.allow" : "devices.deny";
        if (!target.equals(file) && !run.isEmpty()) {
          CgroupFs.setEach(devices, file, run, field("devices"));
          run.clear();
        }
        file = target;
        run.addAll(rule.v1Lines());
      }
      if (!run.isEmpty()) {
        CgroupFs.setEach(devices, file, run, field("devices"));
      }
    }
    if (!r.blockIo().isEmpty()) {
      blkio(r.blockIo());
    }
    if (!r.hugepageLimits().isEmpty()) {
      Path hugetlb = dir("hugetlb", "hugepageLimits");
      for (HugepageLimit limit : r.hugepageLimits()) {
        Hugetlb.set(hugetlb, limit, "limit_in_bytes");
      }
    }
  }

  /**
   * The proportional weights go to CFQ's files when the kernel has them ({@code blkio.weight}, before 5.0) and to
   * BFQ's otherwise ({@code blkio.bfq.weight}, only while the bfq module is loaded); leaf weights exist only for
   * CFQ.
   */
  private void blkio(BlockIo io) {
    Path dir = dir("blkio", "blockIO");
    boolean cfq = Files.exists(dir.resolve("blkio.weight"));
    boolean bfq = !cfq && Files.exists(dir.resolve("blkio.bfq.weight"));
    boolean weighted = io.weight().isPresent() || io.weightDevices().stream().anyMatch(d -> d.weight().isPresent());
    if (weighted && !cfq && !bfq) {
      throw ShimException.failedPrecondition(field("blockIO") + ": weights cannot be applied, " + dir + " has neither"
          + " blkio.weight (the CFQ scheduler, gone since Linux 5.0) nor blkio.bfq.weight (expected: the bfq I/O"
          + " scheduler loaded, modprobe bfq, or no weight)");
    }
    if (io.leafWeight().isPresent() || io.weightDevices().stream().anyMatch(d -> d.leafWeight().isPresent())) {
      if (!cfq) {
        throw ShimException.failedPrecondition(field("blockIO") + ": leafWeight cannot be applied, " + dir
            + " has no blkio.leaf_weight (expected: no leafWeight; only the CFQ scheduler, gone since Linux 5.0, has"
            + " leaf weights)");
      }
    }
    String weightFile = bfq ? "blkio.bfq.weight" : "blkio.weight";
    String deviceFile = weightFile.equals("blkio.weight") ? "blkio.weight_device" : "blkio.bfq.weight_device";
    io.weight().ifPresent(w -> CgroupFs.set(dir, weightFile, Integer.toString(w), field("blockIO.weight")));
    io.leafWeight().ifPresent(w -> CgroupFs.set(dir, "blkio.leaf_weight", Integer.toString(w),
        field("blockIO.leafWeight")));
    for (BlockIo.WeightDevice d : io.weightDevices()) {
      d.weight().ifPresent(w -> CgroupFs.set(dir, deviceFile, d.device() + " " + w, field("blockIO.weightDevice")));
      d.leafWeight().ifPresent(w -> CgroupFs.set(dir, "blkio.leaf_weight_device", d.device() + " " + w,
          field("blockIO.weightDevice")));
    }
    for (BlockIo.Throttle t : io.throttles()) {
      CgroupFs.set(dir, t.limit().v1File(), t.device() + " " + t.rate(), field("blockIO." + t.limit().ociName()));
    }
  }

  private void memory(CgroupResources r) {
    Path dir = dir("memory", firstMemoryField(r));
    OptionalLong limit = r.memoryLimit();
    OptionalLong swap = r.memorySwap();
    if (!Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))) {
      if (swap.isPresent() && swap.getAsLong() != UNLIMITED) {
        throw ShimException.failedPrecondition(field("memory.swap") + ": " + swap.getAsLong()
            + " cannot be applied, this kernel does not account swap (no memory.memsw.limit_in_bytes in " + dir
            + "; expected: no swap limit, or -1)");
      }
      swap = OptionalLong.empty();
    } else if (swap.isEmpty() && limit.isPresent() && limit.getAsLong() == UNLIMITED) {
      // memory+swap may never be below memory, so lifting the memory limit lifts this one too
      swap = OptionalLong.of(UNLIMITED);
    }
    if (limit.isPresent() && swap.isPresent() && swapFirst(dir, swap.getAsLong())) {
      setSwap(dir, swap.getAsLong());
      setLimit(dir, limit.getAsLong());
    } else {
      limit.ifPresent(l -> setLimit(dir, l));
      swap.ifPresent(s -> setSwap(dir, s));
    }
    r.memoryReservation().ifPresent(
        v -> CgroupFs.set(dir, "memory.soft_limit_in_bytes", Long.toString(v), field("memory.reservation")));
  }

  /**
   * The kernel keeps memory.limit <= memory+swap.limit at every moment: raising both must write the swap limit
   * first, lowering both the memory limit first.
   */
  private static boolean swapFirst(Path dir, long swap) {
    if (swap == UNLIMITED) {
      return true;
    }
    long current = CgroupFs.readNumber(dir.resolve("memory.limit_in_bytes")).orElse(Long.MAX_VALUE);
    return Long.compareUnsigned(swap, current) > 0;
  }

  private static void setLimit(Path dir, long limit) {
    CgroupFs.set(dir, "memory.limit_in_bytes", Long.toString(limit), field("memory.limit"));
  }

  private static void setSwap(Path dir, long swap) {
    CgroupFs.set(dir, "memory.memsw.limit_in_bytes", Long.toString(swap), field("memory.swap"));
  }

  private void cpu(CgroupResources r) {
    Path dir = dir("cpu", r.cpuShares().isPresent() ? "cpu.shares" : "cpu.quota");
    r.cpuShares().ifPresent(s -> CgroupFs.set(dir, "cpu.shares", Long.toString(s), field("cpu.shares")));
    OptionalLong period = r.cpuPeriod();
    OptionalLong quota = r.cpuQuota();
    if (period.isPresent() && quota.isPresent()) {
      try {
        setPeriod(dir, period.getAsLong());
      } catch (ShimException e) {
        // the new period may only fit the parent's bandwidth together with the new quota
        setQuota(dir, quota.getAsLong());
        setPeriod(dir, period.getAsLong());
        return;
      }
      setQuota(dir, quota.getAsLong());
    } else {
      period.ifPresent(p -> setPeriod(dir, p));
      quota.ifPresent(q -> setQuota(dir, q));
    }
  }

  private static void setPeriod(Path dir, long period) {
    CgroupFs.set(dir, "cpu.cfs_period_us", Long.toString(period), field("cpu.period"));
  }

  private static void setQuota(Path dir, long quota) {
    CgroupFs.set(dir, "cpu.cfs_quota_us", Long.toString(quota), field("cpu.quota"));
  }

  private Path dir(String controller, String ociField) {
    return dirs.apply(controller).orElseThrow(() -> ShimException.failedPrecondition(field(ociField)
        + ": cannot be applied, the " + controller + " controller is not mounted (expected: a cgroup v1 hierarchy"
        + " with " + controller + " in /proc/self/mountinfo)"));
  }

  private static String firstMemoryField(CgroupResources r) {
    if (r.memoryLimit().isPresent()) {
      return "memory.limit";
    }
    return r.memoryReservation().isPresent() ? "memory.reservation" : "memory.swap";
  }
}
