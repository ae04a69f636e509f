package io.jshim.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.OciJson;
import io.jshim.daemon.spawn.KernelAttributes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelAttributesReaderTest {
  private static final String NS = "\"namespaces\":[{\"type\":\"uts\"},{\"type\":\"time\"}]";

  @TempDir
  Path bundle;

  private final BundleReader reader = new BundleReader();

  @Test
  void read_everyField_passedOnAsHelperValues() throws IOException {
    write("""
        {"process":{"args":["x"],"ioPriority":{"class":"IOPRIO_CLASS_IDLE","priority":4},
           "scheduler":{"policy":"SCHED_BATCH","nice":7,"flags":["SCHED_FLAG_RESET_ON_FORK"]}},
         "domainname":"dom.example",
         "linux":{"personality":{"domain":"LINUX32","flags":["ADDR_NO_RANDOMIZE"]},
           "timeOffsets":{"monotonic":{"secs":86400,"nanosecs":5},"boottime":{"secs":-10}},
           "namespaces":[{"type":"uts"},{"type":"time"}]}}
        """);

    BundleConfig config = reader.read(bundle);
    KernelAttributes a = config.process().attributes();

    assertThat(a.personality()).hasValue(0x40008);
    assertThat(a.ioPriority()).contains(new KernelAttributes.IoPriority(3, 4));
    assertThat(a.scheduler()).contains(new KernelAttributes.Scheduler(3, 7, 0, 1, 0, 0, 0));
    assertThat(a.domainname()).contains("dom.example");
    assertThat(a.timeOffsets()).containsExactlyInAnyOrder(new KernelAttributes.TimeOffset("monotonic", 86400, 5),
        new KernelAttributes.TimeOffset("boottime", -10, 0));
    assertThat(config.notApplied()).as("all applied now").isEmpty();
  }

  @Test
  void read_deadlineScheduler_timesKept() throws IOException {
    write("""
        {"process":{"args":["x"],"scheduler":{"policy":"SCHED_DEADLINE","runtime":1000000,"deadline":2000000,
           "period":18446744073709551615}}}
        """);

    assertThat(reader.read(bundle).process().attributes().scheduler())
        .contains(new KernelAttributes.Scheduler(6, 0, 0, 0, 1_000_000, 2_000_000, -1L));
  }

  @Test
  void read_badValues_invalidArgumentNamingTheFieldAndTheExpectedValues() throws IOException {
    rejected("\"linux\":{\"personality\":{\"domain\":\"LINUX64\"}}", "linux.personality.domain: \"LINUX64\" (expected: LINUX or LINUX32)");
    rejected("\"linux\":{\"personality\":{\"domain\":\"LINUX\",\"flags\":[\"FAST\"]}}", "linux.personality.flags: \"FAST\"");
    rejected("\"process\":{\"args\":[\"x\"],\"ioPriority\":{\"class\":\"IOPRIO_CLASS_NONE\"}}",
        "process.ioPriority.class: \"IOPRIO_CLASS_NONE\" (expected: IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)");
    rejected("\"process\":{\"args\":[\"x\"],\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":8}}",
        "process.ioPriority.priority: 8 (expected: 0..7)");
    rejected("\"process\":{\"args\":[\"x\"],\"scheduler\":{\"policy\":\"SCHED_ISO\"}}", "process.scheduler.policy: \"SCHED_ISO\"");
    rejected("\"process\":{\"args\":[\"x\"],\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"nice\":20}}",
        "process.scheduler.nice: 20 (expected: -20..19)");
    rejected("\"process\":{\"args\":[\"x\"],\"scheduler\":{\"policy\":\"SCHED_FIFO\"}}",
        "process.scheduler.priority: 0 (expected: 1..99 for SCHED_FIFO)");
    rejected("\"process\":{\"args\":[\"x\"],\"scheduler\":{\"policy\":\"SCHED_BATCH\",\"priority\":3}}",
        "process.scheduler.priority: 3 (expected: 0 for SCHED_BATCH");
    rejected("\"process\":{\"args\":[\"x\"],\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"flags\":[\"SCHED_FLAG_X\"]}}",
        "process.scheduler.flags: \"SCHED_FLAG_X\"");
    rejected("\"process\":{\"args\":[\"x\"],\"scheduler\":{\"policy\":\"SCHED_DEADLINE\",\"runtime\":5,\"deadline\":4}}",
        "expected: 0 < runtime <= deadline <= period");
    rejected("\"process\":{\"args\":[\"x\"],\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"runtime\":5}}",
        "runtime, deadline and period are for SCHED_DEADLINE only");
    rejected("\"domainname\":\"d\"", "domainname: \"d\" needs a new uts namespace");
    rejected("\"domainname\":\"" + "d".repeat(65) + "\",\"linux\":{" + NS + "}", "at most 64 bytes");
    rejected("\"linux\":{\"timeOffsets\":{\"monotonic\":{\"secs\":1}}}", "linux.timeOffsets: needs a new time namespace");
    rejected("\"linux\":{\"timeOffsets\":{\"realtime\":{\"secs\":1}}," + NS + "}", "clock \"realtime\" (expected: monotonic or boottime)");
    rejected("\"linux\":{\"timeOffsets\":{\"boottime\":{\"nanosecs\":1000000000}}," + NS + "}",
        "linux.timeOffsets.boottime.nanosecs: 1000000000 (expected: 0..999999999)");
  }

  @Test
  void read_timeOffsetsWithAJoinedTimeNamespace_refused() throws IOException {
    rejected("\"linux\":{\"timeOffsets\":{\"monotonic\":{\"secs\":1}},\"namespaces\":[{\"type\":\"time\",\"path\":\"/proc/self/ns/time\"}]}",
        "linux.timeOffsets: needs a new time namespace");
  }

  @Test
  void read_initWithExecCpuAffinity_notAppliedToTheInitAndReported() throws IOException {
    write("{\"process\":{\"args\":[\"x\"],\"execCPUAffinity\":{\"initial\":\"0\",\"final\":\"1\"}}}");

    BundleConfig config = reader.read(bundle);

    assertThat(config.process().attributes().cpuAffinityInitial()).isEmpty();
    assertThat(config.process().attributes().cpuAffinityFinal()).isEmpty();
    assertThat(config.notApplied()).containsExactly("process.execCPUAffinity");
  }

  @Test
  void process_execSpec_ioPrioritySchedulerAndAffinity() {
    KernelAttributes a = KernelAttributesReader.process(OciJson.readProcess("""
        {"args":["x"],"ioPriority":{"class":"IOPRIO_CLASS_BE","priority":2},"scheduler":{"policy":"SCHED_IDLE"},
         "execCPUAffinity":{"initial":"0-1,3","final":"1"}}
        """.getBytes(StandardCharsets.UTF_8), "exec"));

    assertThat(a.ioPriority()).contains(new KernelAttributes.IoPriority(2, 2));
    assertThat(a.scheduler()).contains(new KernelAttributes.Scheduler(5, 0, 0, 0, 0, 0, 0));
    assertThat(a.cpuAffinityInitial()).contains("0-1,3");
    assertThat(a.cpuAffinityFinal()).contains("1");
    assertThat(a.personality()).isEmpty();
    assertThat(a.domainname()).isEqualTo(Optional.empty());
    assertThat(a.timeOffsets()).isEqualTo(List.of());
  }

  @Test
  void process_badCpuLists_invalidArgument() {
    for (String list : List.of("a", "3-1", "0,,1", "1024", "-1")) {
      assertThatThrownBy(() -> KernelAttributesReader.process(OciJson.readProcess(
          ("{\"args\":[\"x\"],\"execCPUAffinity\":{\"final\":\"" + list + "\"}}").getBytes(StandardCharsets.UTF_8), "exec")))
          .as(list).isInstanceOf(ShimException.class)
          .hasMessageContaining("process.execCPUAffinity.final: \"" + list + "\"")
          .extracting(e -> ((ShimException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
    }
  }

  private void rejected(String fields, String message) throws IOException {
    String json = fields.contains("\"process\"") ? "{" + fields + "}" : "{\"process\":{\"args\":[\"x\"]}," + fields + "}";
    write(json);
    assertThatThrownBy(() -> reader.read(bundle)).as(json).isInstanceOf(ShimException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((ShimException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
  }

  private void write(String json) throws IOException {
    Files.writeString(bundle.resolve("config.json"), json);
  }
}
