package io.jshim.daemon.sys;

import java.nio.file.Path;
import java.util.List;

/**
 * The eBPF device filters of cgroup v2 directories ({@code BPF_PROG_TYPE_CGROUP_DEVICE} programs at attach
 * type {@code BPF_CGROUP_DEVICE}), through the {@code bpf(2)} system call. Every descriptor it opens (the
 * cgroup directory, programs) is close-on-exec and closed before the call returns.
 */
public interface DevicePrograms {
  /**
   * Loads the program and attaches it to {@code cgroupDir} with {@code BPF_F_ALLOW_MULTI}, then detaches every
   * device program that was attached there before, so that a filter applies at every moment.
   *
   * @param instructions raw eBPF instructions, 8 bytes each
   * @param license the license string the verifier records
   * @throws SysException if the kernel refuses: a rejected program's message carries the verifier's log
   */
  void replace(Path cgroupDir, byte[] instructions, String license);

  /** The ids of the device programs attached to {@code cgroupDir} itself (not those inherited), in order. */
  List<Integer> attached(Path cgroupDir);
}
