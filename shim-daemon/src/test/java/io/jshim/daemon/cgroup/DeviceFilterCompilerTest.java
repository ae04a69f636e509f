package io.jshim.daemon.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shape of compiled device filters. What they allow is checked by the kernel itself in
 * {@link DeviceFilterKernelTest}; here: lengths, exits, jumps that the verifier accepts (forward, in range, no
 * unreachable code after a rule that matches everything).
 */
class DeviceFilterCompilerTest {
  private static final int PROLOGUE = 6;
  private static final int EXIT = 0x95;
  private static final int JA = 0x05;
  private static final int MOV_K = 0xb7;

  @Test
  void compile_noRules_prologueThenAllow() {
    List<Insn> program = decode(DeviceFilterCompiler.compile(List.of()));

    assertThat(program).hasSize(PROLOGUE + 2);
    assertThat(program.get(PROLOGUE)).isEqualTo(new Insn(MOV_K, 0, 0, 0, 1));
    assertThat(program.get(PROLOGUE + 1).opcode()).isEqualTo(EXIT);
  }

  @Test
  void compile_denyRule_oneDenyExitPerAccessBitItNames() {
    List<Insn> program = decode(DeviceFilterCompiler.compile(List.of(new DeviceRule(false, 'c', 1, 7, "rw"))));

    assertThat(denyExits(program)).isEqualTo(2);
    assertThat(program.get(program.size() - 2)).isEqualTo(new Insn(MOV_K, 0, 0, 0, 1));
    assertThat(program.get(program.size() - 1).opcode()).isEqualTo(EXIT);
  }

  @Test
  void compile_rulesBeforeADenyAll_areLeftOut() {
    DeviceRule later = new DeviceRule(true, 'c', 1, 3, "rwm");
    DeviceFilterProgram alone = DeviceFilterCompiler.compile(List.of(DeviceRule.all(false), later));
    DeviceFilterProgram afterOthers = DeviceFilterCompiler.compile(List.of(new DeviceRule(true, 'b', 8, 0, "rw"),
        new DeviceRule(false, 'c', 5, -1, "m"), DeviceRule.all(false), later));

    assertThat(afterOthers).isEqualTo(alone);
  }

  @Test
  void compile_wildcards_compareOnlyTheGivenFields() {
    int full = decode(DeviceFilterCompiler.compile(List.of(new DeviceRule(false, 'c', 1, 7, "r")))).size();
    int anyMinor = decode(DeviceFilterCompiler.compile(List.of(new DeviceRule(false, 'c', 1, -1, "r")))).size();
    int anyType = decode(DeviceFilterCompiler.compile(List.of(new DeviceRule(false, 'a', 1, -1, "r")))).size();

    assertThat(full - anyMinor).isEqualTo(1);
    assertThat(anyMinor - anyType).isEqualTo(1);
  }

  @Test
  void compile_containerdDefaultList_everyJumpForwardAndInsideTheProgram() {
    List<DeviceRule> rules = new ArrayList<>(List.of(DeviceRule.all(false), new DeviceRule(true, 'c', -1, -1, "m"),
        new DeviceRule(true, 'b', -1, -1, "m"), new DeviceRule(true, 'c', 1, 3, "rwm"),
        new DeviceRule(true, 'c', 136, -1, "rwm"), new DeviceRule(false, 'c', 1, 7, "w")));
    List<Insn> program = decode(DeviceFilterCompiler.compile(rules));

    for (int pc = 0; pc < program.size(); pc++) {
      Insn insn = program.get(pc);
      if ((insn.opcode() & 0x07) == 0x05 && insn.opcode() != EXIT) {
        assertThat(insn.offset()).as("jump at %d", pc).isNotNegative();
        assertThat(pc + 1 + insn.offset()).as("target of %d", pc).isLessThan(program.size());
      }
    }
    assertThat(program.get(program.size() - 1).opcode()).isEqualTo(EXIT);
  }

  @Test
  void compile_allowEverything_neverDenies() {
    List<Insn> program = decode(DeviceFilterCompiler.compile(List.of(DeviceRule.all(true))));

    assertThat(denyExits(program)).isZero();
    assertThat(program.stream().filter(i -> i.opcode() == JA)).allMatch(i -> i.offset() >= 0);
  }

  @Test
  void compile_deviceNumberAboveInt_isInvalidArgument() {
    assertThatThrownBy(() -> DeviceFilterCompiler.compile(List.of(new DeviceRule(true, 'c', 1L << 32, 0, "r"))))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
          assertThat(e.getMessage()).startsWith("linux.resources.devices: ");
        });
  }

  private static long denyExits(List<Insn> program) {
    long count = 0;
    for (int pc = 0; pc + 1 < program.size(); pc++) {
      if (program.get(pc).equals(new Insn(MOV_K, 0, 0, 0, 0)) && program.get(pc + 1).opcode() == EXIT) {
        count++;
      }
    }
    return count;
  }

  private static List<Insn> decode(DeviceFilterProgram program) {
    ByteBuffer in = ByteBuffer.wrap(program.instructions()).order(ByteOrder.LITTLE_ENDIAN);
    List<Insn> out = new ArrayList<>();
    while (in.hasRemaining()) {
      int opcode = in.get() & 0xff;
      int regs = in.get() & 0xff;
      out.add(new Insn(opcode, regs & 0x0f, regs >> 4, in.getShort(), in.getInt()));
    }
    assertThat(out).hasSize(program.length());
    return out;
  }

  private record Insn(int opcode, int dst, int src, int offset, int imm) {}
}
