package io.jshim.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecSeccompTest {
  @TempDir
  Path bundle;

  @Test
  void reread_configWithProfile_profileForExecs() throws IOException {
    Files.writeString(bundle.resolve("config.json"), """
        {"process":{"args":["true"]},"linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW",
         "syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}}}""");

    assertThat(ExecSeccomp.reread(bundle).forExec("t")).map(s -> s.helperArgument())
        .contains("default allow;syscall errno:1 mkdir");
  }

  @Test
  void reread_configWithoutProfile_noFilter() throws IOException {
    Files.writeString(bundle.resolve("config.json"), "{\"process\":{\"args\":[\"true\"]}}");

    assertThat(ExecSeccomp.reread(bundle).forExec("t")).isEmpty();
  }

  @Test
  void reread_configGone_execsRefusedFailedPrecondition() {
    ExecSeccomp seccomp = ExecSeccomp.reread(bundle);

    assertThatThrownBy(() -> seccomp.forExec("t")).isInstanceOfSatisfying(ShimException.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
      assertThat(e.getMessage()).contains("task t: cannot start an exec", "linux.seccomp", "config.json");
    });
  }
}
