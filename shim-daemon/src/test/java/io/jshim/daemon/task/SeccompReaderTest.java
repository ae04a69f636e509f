package io.jshim.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.OciSpec;
import io.jshim.daemon.spawn.Seccomp;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SeccompReaderTest {
  private static final JsonMapper JSON = new JsonMapper();

  private static Optional<Seccomp> read(String json) throws IOException {
    return SeccompReader.read(JSON.readValue(json, OciSpec.Seccomp.class));
  }

  private static String text(String json) throws IOException {
    return read(json).orElseThrow().helperArgument();
  }

  @Test
  void read_issueProfile_mkdirDeniedWithErrnoRet1() throws IOException {
    assertThat(text("""
        {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
         "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}"""))
        .isEqualTo("default allow;arch x86_64;syscall errno:1 mkdir,mkdirat");
  }

  @Test
  void read_everyActionAndOperator_mappedAsRunc() throws IOException {
    assertThat(text("""
        {"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"architectures":["SCMP_ARCH_X86","SCMP_ARCH_X32",
         "SCMP_ARCH_AARCH64","SCMP_ARCH_S390X"],
         "flags":["SECCOMP_FILTER_FLAG_SPEC_ALLOW","SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_TSYNC"],
         "syscalls":[{"names":["a"],"action":"SCMP_ACT_ALLOW"},{"names":["b"],"action":"SCMP_ACT_ERRNO"},
          {"names":["c"],"action":"SCMP_ACT_KILL"},{"names":["d"],"action":"SCMP_ACT_KILL_THREAD"},
          {"names":["e"],"action":"SCMP_ACT_KILL_PROCESS"},{"names":["f"],"action":"SCMP_ACT_TRAP"},
          {"names":["g"],"action":"SCMP_ACT_TRACE"},{"names":["h"],"action":"SCMP_ACT_TRACE","errnoRet":9},
          {"names":["i"],"action":"SCMP_ACT_LOG"},
          {"names":["j"],"action":"SCMP_ACT_ERRNO","errnoRet":4095,"args":[
            {"index":0,"value":1,"op":"SCMP_CMP_NE"},{"index":1,"value":2,"op":"SCMP_CMP_LT"},
            {"index":2,"value":3,"op":"SCMP_CMP_LE"},{"index":3,"value":4,"op":"SCMP_CMP_EQ"},
            {"index":4,"value":5,"op":"SCMP_CMP_GE"},{"index":5,"value":6,"op":"SCMP_CMP_GT"},
            {"index":5,"value":18446744073709551615,"valueTwo":7,"op":"SCMP_CMP_MASKED_EQ"}]}]}"""))
        .isEqualTo("default errno:38;arch x86;arch x32;arch aarch64;arch s390x;flag log;flag spec_allow"
            + ";syscall allow a;syscall errno:1 b;syscall kill_thread c;syscall kill_thread d;syscall kill_process e"
            + ";syscall trap f;syscall trace:1 g;syscall trace:9 h;syscall log i"
            + ";syscall errno:4095 j 0:ne:1:0 1:lt:2:0 2:le:3:0 3:eq:4:0 4:ge:5:0 5:gt:6:0 5:masked_eq:18446744073709551615:7");
  }

  @Test
  void read_noDefaultActionNoSyscalls_noFilterAsRunc() throws IOException {
    assertThat(read("{}")).isEmpty();
    assertThat(read("{\"architectures\":[\"SCMP_ARCH_X86\"]}")).isEmpty();
    assertThat(SeccompReader.read(null)).isEmpty();
  }

  @Test
  void read_namesLibseccompCannotKnow_skipped() throws IOException {
    assertThat(text("""
        {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mk-dir","mkdir"],"action":"SCMP_ACT_ERRNO"},
         {"names":["no;such"],"action":"SCMP_ACT_ERRNO"},{"names":[],"action":"SCMP_ACT_ERRNO"}]}"""))
        .isEqualTo("default allow;syscall errno:1 mkdir");
  }

  @Test
  void read_containerdDefaultProfile_accepted() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/seccomp/containerd-1.6.20-default.json")) {
      String profile = SeccompReader.read(JSON.readValue(in, OciSpec.Seccomp.class)).orElseThrow().helperArgument();
      assertThat(profile).startsWith("default errno:1;arch x86_64;arch x86;arch x32;syscall allow ")
          .contains("syscall allow personality 0:eq:0:0");
    }
  }

  @Test
  void read_badValues_invalidArgumentNamingTheField() {
    refused("{\"defaultAction\":\"SCMP_ACT_BOGUS\"}", "linux.seccomp.defaultAction: \"SCMP_ACT_BOGUS\" (expected: one of SCMP_ACT_ALLOW");
    refused("{\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ALLOW\"}]}", "linux.seccomp.defaultAction: \"\"");
    refused("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":4096}", "linux.seccomp.defaultErrnoRet: 4096 (expected: 0..4095)");
    refused("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_VAX\"]}",
        "linux.seccomp.architectures: \"SCMP_ARCH_VAX\" (expected: one of SCMP_ARCH_AARCH64");
    refused("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]}",
        "linux.seccomp.flags: \"SECCOMP_FILTER_FLAG_NEW_LISTENER\" (expected: SECCOMP_FILTER_FLAG_LOG");
    refused("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\","
        + "\"errnoRet\":70000}]}", "linux.seccomp.syscalls[0].errnoRet: 70000 (expected: 0..4095)");
    refused("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\","
        + "\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}", "linux.seccomp.syscalls[0].args[0].index: 6 (expected: 0..5)");
    refused("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\","
        + "\"args\":[{\"index\":1,\"value\":1,\"op\":\"SCMP_CMP_LIKE\"}]}]}",
        "linux.seccomp.syscalls[0].args[0].op: \"SCMP_CMP_LIKE\" (expected: one of SCMP_CMP_EQ");
    refused("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
        "linux.seccomp.syscalls[0].names: \"\"");
  }

  @Test
  void read_notify_refusedNamingListenerPath() {
    refused("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/agent.sock\"}", "linux.seccomp.listenerPath");
    refused("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
        "linux.seccomp.syscalls[0].action: \"SCMP_ACT_NOTIFY\" (not supported: it needs linux.seccomp.listenerPath");
  }

  private static void refused(String json, String message) {
    assertThatThrownBy(() -> read(json)).isInstanceOf(ShimException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((ShimException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
  }
}
