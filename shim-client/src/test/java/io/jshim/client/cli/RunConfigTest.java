package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;

class RunConfigTest {
  private final CliRunner cli = CliRunner.withoutEnvironment();

  @TempDir
  Path tmp;

  private JsonNode config(String... args) throws IOException {
    RunCommand run = cli.parse(RunCommand.class, args);
    return OciConfig.toJson(run.plan().orElseThrow());
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.asText()));
    return values;
  }

  private static List<String> namespaceTypes(JsonNode config) {
    List<String> types = new ArrayList<>();
    config.path("linux").path("namespaces").forEach(ns -> types.add(ns.path("type").asText()));
    return types;
  }

  @Test
  void plan_commandOnly_writesDefaults() throws IOException {
    JsonNode config = config("run", "--", "sh", "-c", "echo hi");

    assertThat(config.path("ociVersion").asText()).isEqualTo("1.0.2");
    assertThat(texts(config.path("process").path("args"))).containsExactly("sh", "-c", "echo hi");
    assertThat(texts(config.path("process").path("env")))
        .containsExactly("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    assertThat(config.path("process").path("cwd").asText()).isEqualTo("/");
    assertThat(config.path("process").path("user").path("uid").asInt(-1)).isZero();
    assertThat(config.path("process").path("user").path("gid").asInt(-1)).isZero();
    assertThat(namespaceTypes(config)).containsExactly("pid", "uts", "ipc", "mount");
    assertThat(config.has("root")).isFalse();
    assertThat(config.has("hostname")).isFalse();
  }

  @Test
  void plan_commandWithOptionLikeArgsWithoutDashDash_keepsThemForTheCommand() throws IOException {
    JsonNode config = config("run", "--ns", "pid", "ls", "-l", "--all");

    assertThat(texts(config.path("process").path("args"))).containsExactly("ls", "-l", "--all");
  }

  @Test
  void plan_shortNamespaceNames_mapToOciTypes() throws IOException {
    JsonNode config = config("run", "--ns", "net,mnt,pid", "true");

    assertThat(namespaceTypes(config)).containsExactly("pid", "mount", "network");
  }

  @Test
  void plan_emptyNamespaceList_createsNone() throws IOException {
    assertThat(namespaceTypes(config("run", "--ns", "", "true"))).isEmpty();
  }

  @Test
  void plan_envAndCwd_appendToDefaultsAndOverridePath() throws IOException {
    JsonNode config = config("run", "-e", "A=1", "--env", "PATH=/bin", "--env", "B=x=y", "--cwd", "/tmp", "true");

    assertThat(texts(config.path("process").path("env"))).containsExactly("PATH=/bin", "A=1", "B=x=y");
    assertThat(config.path("process").path("cwd").asText()).isEqualTo("/tmp");
  }

  @Test
  void plan_hostnameAndRootfs_setHostnameAndAbsoluteRootPath() throws IOException {
    Path rootfs = Files.createDirectory(tmp.resolve("rootfs"));

    JsonNode config = config("run", "--hostname", "box", "--rootfs", rootfs.toString(), "true");

    assertThat(config.path("hostname").asText()).isEqualTo("box");
    assertThat(config.path("root").path("path").asText()).isEqualTo(rootfs.toAbsolutePath().toString());
  }

  @Test
  void plan_terminalWithRootfs_mountsProcDevAndItsOwnDevpts() throws IOException {
    Path rootfs = Files.createDirectory(tmp.resolve("rootfs"));

    JsonNode withTty = config("run", "-t", "--rootfs", rootfs.toString(), "sh");
    JsonNode withoutTty = config("run", "--rootfs", rootfs.toString(), "sh");

    List<String> targets = new ArrayList<>();
    withTty.path("mounts").forEach(m -> targets.add(m.path("type").asText() + " " + m.path("destination").asText()));
    assertThat(targets).containsExactly("proc /proc", "tmpfs /dev", "devpts /dev/pts");
    assertThat(texts(withTty.path("mounts").get(2).path("options"))).contains("newinstance", "ptmxmode=0666");
    assertThat(withoutTty.has("mounts")).isFalse();
  }

  @Test
  void plan_relativeRootfs_becomesAbsolute() throws IOException {
    Path here = Path.of("").toAbsolutePath();
    Path rootfs = Files.createTempDirectory(here.resolve("target"), "rootfs");
    try {
      JsonNode config = config("run", "--rootfs", here.relativize(rootfs).toString(), "true");

      assertThat(config.path("root").path("path").asText()).isEqualTo(rootfs.toString());
    } finally {
      Files.delete(rootfs);
    }
  }

  @Test
  void plan_missingRootfs_failsNamingIt() {
    RunCommand run = cli.parse(RunCommand.class, "run", "--rootfs", tmp.resolve("nope").toString(), "true");

    assertThatThrownBy(run::plan).isInstanceOf(IOException.class).hasMessageContaining("not a directory");
  }

  @Test
  void plan_bundleAlone_generatesNothing() throws IOException {
    RunCommand run = cli.parse(RunCommand.class, "run", "--bundle", tmp.toString());

    assertThat(run.plan()).isEmpty();
  }

  @Test
  void plan_bundleWithGeneratingFlags_rejectsNamingEveryConflict() {
    RunCommand run = cli.parse(RunCommand.class,
        "run", "--bundle", tmp.toString(), "--ns", "pid", "--hostname", "h", "--rootfs", "/", "echo");

    assertThatThrownBy(run::plan)
        .isInstanceOf(ParameterException.class)
        .hasMessage("--bundle cannot be combined with --ns, --hostname, --rootfs, a command: "
            + "the bundle's config.json says what to run");
  }

  @Test
  void plan_hostnameWithoutUts_rejected() {
    RunCommand run = cli.parse(RunCommand.class, "run", "--ns", "pid", "--hostname", "h", "true");

    assertThatThrownBy(run::plan).isInstanceOf(ParameterException.class).hasMessageContaining("uts");
  }

  @Test
  void plan_unknownNamespace_rejectedListingKnownOnes() {
    RunCommand run = cli.parse(RunCommand.class, "run", "--ns", "pid,user", "true");

    assertThatThrownBy(run::plan)
        .isInstanceOf(ParameterException.class)
        .hasMessage("unknown namespace 'user' (expected: pid, uts, ipc, mnt, net)");
  }

  @Test
  void plan_noCommand_rejected() {
    RunCommand run = cli.parse(RunCommand.class, "run", "--ns", "pid");

    assertThatThrownBy(run::plan).isInstanceOf(ParameterException.class).hasMessageContaining("missing the command");
  }

  @Test
  void plan_relativeCwdOrBadEnv_rejected() {
    assertThatThrownBy(cli.parse(RunCommand.class, "run", "--cwd", "tmp", "true")::plan)
        .isInstanceOf(ParameterException.class).hasMessageContaining("--cwd");
    assertThatThrownBy(cli.parse(RunCommand.class, "run", "--env", "NOEQUALS", "true")::plan)
        .isInstanceOf(ParameterException.class).hasMessageContaining("KEY=VALUE");
    assertThatThrownBy(cli.parse(RunCommand.class, "run", "--env", "=v", "true")::plan)
        .isInstanceOf(ParameterException.class).hasMessageContaining("KEY=VALUE");
  }

  @Test
  void write_spec_producesParsableConfigJson() throws IOException {
    RunCommand run = cli.parse(RunCommand.class, "run", "--ns", "pid,net", "echo", "hi");

    Path file = OciConfig.write(run.plan().orElseThrow(), tmp);

    JsonNode parsed = new ObjectMapper().readTree(file.toFile());
    assertThat(file.getFileName().toString()).isEqualTo("config.json");
    assertThat(namespaceTypes(parsed)).containsExactly("pid", "network");
    assertThat(texts(parsed.path("process").path("args"))).containsExactly("echo", "hi");
  }
}
