package io.jshim.daemon.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The criu command lines, the descriptor and the log quote, without running criu. */
class CriuTest {
  private static final Criu CRIU = new Criu(Path.of("/usr/sbin/criu"));
  private static final List<OpenFile> STDIO = List.of(new OpenFile(0, "file[2a:4]", true),
      new OpenFile(1, "pipe:[77]", false), new OpenFile(2, "file[2a:4]", true));

  @TempDir
  Path dir;

  @Test
  void dump_leavesRunningByDefault_namesExternalFilesOnceAndBindMounts() {
    List<String> args = CRIU.dumpArgs(42, Path.of("/img"), Path.of("/work"), CheckpointOptions.defaults(), STDIO,
        new ExternalMounts(Map.of("/data", "/srv/data"), List.of("/proc/kcore")), Optional.empty());

    assertThat(args).containsExactly("dump", "--tree", "42", "--images-dir", "/img", "--work-dir", "/work",
        "--log-file", "dump.log", "-v4", "--leave-running", "--external", "file[2a:4]", "--external",
        "mnt[/data]:/data", "--external", "mnt[/proc/kcore]:/proc/kcore");
  }

  @Test
  void dump_ofAPausedTask_goesThroughItsFreezerCgroup() {
    List<String> args = CRIU.dumpArgs(7, Path.of("/img"), Path.of("/img"), CheckpointOptions.defaults(), List.of(),
        ExternalMounts.none(), Optional.of(Path.of("/sys/fs/cgroup/freezer/jshim/t")));

    assertThat(args).containsSubsequence("--freeze-cgroup", "/sys/fs/cgroup/freezer/jshim/t").contains("--leave-running");
  }

  @Test
  void dump_options_becomeCriuFlags() {
    CheckpointOptions options = new CheckpointOptions(true, true, true, true, true, Optional.of("soft"),
        Optional.empty());

    List<String> args = CRIU.dumpArgs(1, Path.of("/img"), Path.of("/img"), options, List.of(), ExternalMounts.none(),
        Optional.empty());

    assertThat(args).doesNotContain("--leave-running")
        .contains("--tcp-established", "--ext-unix-sk", "--file-locks", "--manage-cgroups=soft")
        .containsSubsequence("--empty-ns", "net");
  }

  @Test
  void restore_isDetachedStoppedInCriusCgroup_withStdioInheritedAndMountsBound() {
    ImageDescriptor image = new ImageDescriptor(1, "old", 42, List.of("file[2a:4]", "pipe:[77]", "file[2a:4]"),
        List.of("/data"), List.of("/proc/kcore"), true, false, false, false);

    List<String> args = CRIU.restoreArgs(Path.of("/img"), Path.of("/work"), Path.of("/work/restore.pid"),
        Optional.of("/bundle/rootfs"), image, Map.of("file[2a:4]", 4), new ExternalMounts(Map.of("/data",
            "/srv/new"), List.of()));

    assertThat(args).containsExactly("restore", "--images-dir", "/img", "--work-dir", "/work", "--log-file",
        "restore.log", "-v4", "--restore-detached", "--leave-stopped", "--pidfile", "/work/restore.pid",
        "--manage-cgroups=ignore", "--root", "/bundle/rootfs", "--tcp-established", "--inherit-fd",
        "fd[4]:file[2a:4]", "--external", "mnt[/data]:/srv/new", "--external", "mnt[/proc/kcore]:/dev/null");
  }

  @Test
  void descriptor_roundTrips() {
    ImageDescriptor image = new ImageDescriptor(1, "t", 7, List.of("a", "b", "c"), List.of("/m"), List.of(), false,
        true, false, true);

    image.write(dir);

    assertThat(ImageDescriptor.read(dir)).isEqualTo(image);
  }

  @Test
  void logQuote_prefersCriusErrorLines() throws IOException {
    Path log = dir.resolve("dump.log");
    Files.writeString(log, "(0.1) start\n(0.2) Error (sk-inet.c:1): Connected TCP socket\n(0.3) Unfreezing\n"
        + "(0.4) Error (cr-dump.c:2): Dumping FAILED.\n");
    Path plain = dir.resolve("plain.log");
    Files.writeString(plain, "one\ntwo\n");

    assertThat(Checkpointer.tail(log)).isEqualTo(" has these errors:\n(0.2) Error (sk-inet.c:1): Connected TCP "
        + "socket\n(0.4) Error (cr-dump.c:2): Dumping FAILED.");
    assertThat(Checkpointer.tail(plain)).isEqualTo(" ends with:\none\ntwo");
    assertThat(Checkpointer.tail(dir.resolve("missing"))).startsWith(" cannot be read");
  }
}
