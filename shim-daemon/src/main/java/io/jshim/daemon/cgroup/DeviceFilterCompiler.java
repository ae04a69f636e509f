package io.jshim.daemon.cgroup;

import io.jshim.daemon.error.ShimException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles OCI {@code linux.resources.devices} into a cgroup v2 device filter ({@link DeviceFilterProgram}).
 *
 * <p>The meaning is that of the v1 devices controller: rules apply in order, each later rule overriding the
 * earlier ones for the devices and the access it names, and whatever no rule names is allowed (the kernel's
 * default), so a list that starts with a deny-all rule allows only what follows it. The program decides each
 * requested access bit (mknod, read, write) on its own: it walks the rules naming that bit from the last one
 * backwards, and the first whose type and numbers match decides the bit. The request is allowed only if every
 * bit it asks for is. (Matching a rule only when it names every requested bit would let {@code deny c 1:3 w}
 * miss an open for reading and writing.)
 *
 * <p>The program reads {@code struct bpf_cgroup_dev_ctx}: {@code access_type} (device type in the low 16 bits,
 * access bits in the high 16), {@code major}, {@code minor}, each a u32; it returns 1 to allow, 0 to deny.
 */
final class DeviceFilterCompiler {
  static final int DEVTYPE_BLOCK = 1;
  static final int DEVTYPE_CHAR = 2;
  static final int ACCESS_MKNOD = 1;
  static final int ACCESS_READ = 2;
  static final int ACCESS_WRITE = 4;

  private static final short CTX_ACCESS_TYPE = 0;
  private static final short CTX_MAJOR = 4;
  private static final short CTX_MINOR = 8;

  // registers: R0 result (and scratch), R1 the context, then the context's fields
  private static final int R0 = 0;
  private static final int R1 = 1;
  private static final int ACCESS = 2;
  private static final int TYPE = 3;
  private static final int MAJOR = 4;
  private static final int MINOR = 5;

  private static final int LDX_MEM_W = 0x61;
  private static final int ALU64_MOV_K = 0xb7;
  private static final int ALU64_MOV_X = 0xbf;
  private static final int ALU64_AND_K = 0x57;
  private static final int ALU64_RSH_K = 0x77;
  private static final int JMP_JA = 0x05;
  private static final int JMP_JNE_K = 0x55;
  private static final int JMP_JSET_K = 0x45;
  private static final int JMP_EXIT = 0x95;

  private final List<Insn> code = new ArrayList<>();
  private final List<Integer> labels = new ArrayList<>();

  private DeviceFilterCompiler() {}

  /**
   * The filter for {@code rules}, in OCI order; an empty list gives a program that allows everything.
   *
   * @throws ShimException invalid-argument for a device number the kernel cannot have (above 2^31 - 1)
   */
  static DeviceFilterProgram compile(List<DeviceRule> rules) {
    for (DeviceRule rule : rules) {
      if (rule.major() > Integer.MAX_VALUE || rule.minor() > Integer.MAX_VALUE) {
        throw ShimException.invalidArgument("linux.resources.devices: " + rule + " (expected: major and minor"
            + " below 2^31; Linux device numbers have 12 and 20 bits)");
      }
    }
    return new DeviceFilterCompiler().program(rules);
  }

  private DeviceFilterProgram program(List<DeviceRule> rules) {
    emit(LDX_MEM_W, ACCESS, R1, CTX_ACCESS_TYPE, 0);
    emit(ALU64_MOV_X, TYPE, ACCESS, 0, 0);
    emit(ALU64_AND_K, TYPE, 0, 0, 0xffff);
    emit(ALU64_RSH_K, ACCESS, 0, 0, 16);
    emit(LDX_MEM_W, MAJOR, R1, CTX_MAJOR, 0);
    emit(LDX_MEM_W, MINOR, R1, CTX_MINOR, 0);
    bit(rules, 'm', ACCESS_MKNOD);
    bit(rules, 'r', ACCESS_READ);
    bit(rules, 'w', ACCESS_WRITE);
    emit(ALU64_MOV_K, R0, 0, 0, 1);
    emit(JMP_EXIT, 0, 0, 0, 0);
    return assemble();
  }

  /** The section deciding one access bit; absent when no rule names the bit (it is then allowed). */
  private void bit(List<DeviceRule> rules, char letter, int mask) {
    List<DeviceRule> deciding = new ArrayList<>();
    for (int i = rules.size() - 1; i >= 0; i--) {
      DeviceRule rule = rules.get(i);
      if (rule.access().indexOf(letter) >= 0) {
        deciding.add(rule);
        if (matchesEveryDevice(rule)) {
          // it decides every request for this bit: the earlier rules are never reached (and the verifier
          // refuses unreachable instructions)
          break;
        }
      }
    }
    if (deciding.isEmpty()) {
      return;
    }
    int decided = newLabel();
    emit(JMP_JSET_K, ACCESS, 0, 1, mask);
    jump(JMP_JA, 0, decided, 0);
    for (DeviceRule rule : deciding) {
      int next = newLabel();
      if (rule.type() != 'a') {
        jump(JMP_JNE_K, TYPE, next, rule.type() == 'b' ? DEVTYPE_BLOCK : DEVTYPE_CHAR);
      }
      if (rule.major() != DeviceRule.ANY) {
        jump(JMP_JNE_K, MAJOR, next, (int) rule.major());
      }
      if (rule.minor() != DeviceRule.ANY) {
        jump(JMP_JNE_K, MINOR, next, (int) rule.minor());
      }
      if (rule.allow()) {
        jump(JMP_JA, 0, decided, 0);
      } else {
        emit(ALU64_MOV_K, R0, 0, 0, 0);
        emit(JMP_EXIT, 0, 0, 0, 0);
      }
      place(next);
    }
    // no rule matched: the bit is allowed, as without any rule
    place(decided);
  }

  private static boolean matchesEveryDevice(DeviceRule rule) {
    return rule.type() == 'a' && rule.major() == DeviceRule.ANY && rule.minor() == DeviceRule.ANY;
  }

  private int newLabel() {
    labels.add(-1);
    return labels.size() - 1;
  }

  private void place(int label) {
    labels.set(label, code.size());
  }

  private void emit(int opcode, int dst, int src, int offset, int imm) {
    code.add(new Insn(opcode, dst, src, offset, imm, -1));
  }

  private void jump(int opcode, int dst, int label, int imm) {
    code.add(new Insn(opcode, dst, 0, 0, imm, label));
  }

  private DeviceFilterProgram assemble() {
    ByteBuffer out = ByteBuffer.allocate(code.size() * DeviceFilterProgram.INSTRUCTION_SIZE)
        .order(ByteOrder.LITTLE_ENDIAN);
    for (int pc = 0; pc < code.size(); pc++) {
      Insn insn = code.get(pc);
      int offset = insn.offset();
      if (insn.label() >= 0) {
        // relative to the instruction after the jump
        offset = labels.get(insn.label()) - pc - 1;
        if (offset > Short.MAX_VALUE) {
          throw ShimException.invalidArgument("linux.resources.devices: too many rules, the device filter's jumps"
              + " exceed " + Short.MAX_VALUE + " instructions (expected: a few thousand rules at most)");
        }
      }
      out.put((byte) insn.opcode());
      out.put((byte) (insn.src() << 4 | insn.dst()));
      out.putShort((short) offset);
      out.putInt(insn.imm());
    }
    return new DeviceFilterProgram(out.array());
  }

  /** One instruction; {@code label} >= 0 makes it a jump whose offset is resolved at the end. */
  private record Insn(int opcode, int dst, int src, int offset, int imm, int label) {}
}
