package io.jshim.daemon.cgroup;

import java.nio.file.Path;

/**
 * Puts a device filter in force for a cgroup v2 directory: the kernel side of {@link V2Resources}' device rules,
 * implemented over the {@code bpf(2)} system call outside this package and handed to {@link Cgroups}.
 */
@FunctionalInterface
public interface DeviceFilterLoader {
  /**
   * Loads {@code program} and attaches it to {@code cgroupDir} as that cgroup's only device filter: the new one is
   * attached before the ones attached earlier are detached, so no moment passes without a filter.
   *
   * @throws io.jshim.daemon.error.ShimException if the kernel refuses the program (with the verifier's log) or
   *     the attachment
   */
  void replace(Path cgroupDir, DeviceFilterProgram program);
}
