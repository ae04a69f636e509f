package io.jshim.daemon.cgroup;

import java.util.Arrays;

/**
 * A compiled cgroup v2 device filter: the raw eBPF instructions of a {@code BPF_PROG_TYPE_CGROUP_DEVICE} program,
 * 8 bytes each in the kernel's {@code struct bpf_insn} layout (little-endian), ready for {@code BPF_PROG_LOAD}.
 *
 * @param instructions the instruction bytes; a copy is kept and handed out
 */
public record DeviceFilterProgram(byte[] instructions) {
  /** Bytes per eBPF instruction. */
  public static final int INSTRUCTION_SIZE = 8;

  /**
   * The license the program is loaded under. It calls no kernel helper, so none that is GPL-only, and the
   * verifier accepts any license string.
   */
  public static final String LICENSE = "Apache-2.0";

  public DeviceFilterProgram {
    if (instructions.length == 0 || instructions.length % INSTRUCTION_SIZE != 0) {
      throw new IllegalArgumentException("eBPF program of " + instructions.length + " bytes (expected: a non-zero"
          + " multiple of " + INSTRUCTION_SIZE + ")");
    }
    instructions = instructions.clone();
  }

  @Override
  public byte[] instructions() {
    return instructions.clone();
  }

  /** The number of instructions. */
  public int length() {
    return instructions.length / INSTRUCTION_SIZE;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DeviceFilterProgram p && Arrays.equals(instructions, p.instructions);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(instructions);
  }

  @Override
  public String toString() {
    return "eBPF device filter of " + length() + " instructions";
  }
}
