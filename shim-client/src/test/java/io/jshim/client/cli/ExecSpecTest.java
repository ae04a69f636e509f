package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExecSpecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONFIG = """
      {"ociVersion": "1.0.2",
       "process": {
         "terminal": true,
         "consoleSize": {"height": 24, "width": 80},
         "user": {"uid": 0, "gid": 0, "additionalGids": [10, 11]},
         "args": ["/sbin/init"],
         "env": ["PATH=/usr/bin:/bin", "TERM=xterm", "HOME=/root"],
         "cwd": "/",
         "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"]},
         "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
         "noNewPrivileges": true
       },
       "root": {"path": "rootfs"}}
      """;

  @TempDir
  Path tmp;

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.asText()));
    return values;
  }

  private static ExecSpec spec(List<String> args, boolean terminal, List<String> env, String cwd, String user) {
    return new ExecSpec(args, terminal, env, Optional.ofNullable(cwd),
        Optional.ofNullable(user).map(ExecSpec.User::parse));
  }

  @Test
  void applyTo_commandOnly_keepsTheContainersProcessButArgsAndTerminal() throws IOException {
    JsonNode config = JSON.readTree(CONFIG);

    ObjectNode process = spec(List.of("ps", "-ef"), false, List.of(), null, null).applyTo(config);

    assertThat(texts(process.path("args"))).containsExactly("ps", "-ef");
    assertThat(process.path("terminal").asBoolean(true)).isFalse();
    assertThat(process.has("consoleSize")).isFalse();
    assertThat(texts(process.path("env"))).containsExactly("PATH=/usr/bin:/bin", "TERM=xterm", "HOME=/root");
    assertThat(process.path("cwd").asText()).isEqualTo("/");
    assertThat(process.path("user").toString()).isEqualTo("{\"uid\":0,\"gid\":0,\"additionalGids\":[10,11]}");
    assertThat(process.path("capabilities")).isEqualTo(config.path("process").path("capabilities"));
    assertThat(process.path("rlimits")).isEqualTo(config.path("process").path("rlimits"));
    assertThat(process.path("noNewPrivileges").asBoolean()).isTrue();
    assertThat(config.path("process").path("args").get(0).asText()).as("config unchanged").isEqualTo("/sbin/init");
  }

  @Test
  void applyTo_envOverridesInPlaceAndAppendsNewKeys() throws IOException {
    ObjectNode process = spec(List.of("sh"), true, List.of("HOME=/tmp", "A=1", "PATH=/bin"), null, null)
        .applyTo(JSON.readTree(CONFIG));

    assertThat(texts(process.path("env"))).containsExactly("PATH=/bin", "TERM=xterm", "HOME=/tmp", "A=1");
    assertThat(process.path("terminal").asBoolean()).isTrue();
  }

  @Test
  void applyTo_cwdAndUserWithGid_overrideAndDropSupplementaryGroups() throws IOException {
    ObjectNode process = spec(List.of("id"), false, List.of(), "/tmp", "1000:100").applyTo(JSON.readTree(CONFIG));

    assertThat(process.path("cwd").asText()).isEqualTo("/tmp");
    assertThat(process.path("user").toString()).isEqualTo("{\"uid\":1000,\"gid\":100}");
  }

  @Test
  void applyTo_userWithoutGid_keepsTheContainersGid() throws IOException {
    JsonNode config = JSON.readTree(CONFIG.replace("\"gid\": 0", "\"gid\": 5"));

    ObjectNode process = spec(List.of("id"), false, List.of(), null, "1000").applyTo(config);

    assertThat(process.path("user").toString()).isEqualTo("{\"uid\":1000,\"gid\":5}");
  }

  @Test
  void applyTo_configWithoutUserOrEnv_getsThemFromTheOptions() throws IOException {
    JsonNode config = JSON.readTree("{\"process\": {\"args\": [\"x\"], \"cwd\": \"/\"}}");

    ObjectNode process = spec(List.of("id"), false, List.of("A=1"), null, "7").applyTo(config);

    assertThat(process.path("user").toString()).isEqualTo("{\"uid\":7,\"gid\":0}");
    assertThat(texts(process.path("env"))).containsExactly("A=1");
  }

  @Test
  void user_largestId_accepted() {
    assertThat(ExecSpec.User.parse("4294967295:0"))
        .isEqualTo(new ExecSpec.User(4294967295L, OptionalLong.of(0)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"root", "", ":", "1000:", ":1000", "-1", "1:2:3", "4294967296", "1000:wheel", " 1"})
  void user_malformed_rejectedSayingWhatIsExpected(String text) {
    assertThatThrownBy(() -> ExecSpec.User.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--user: " + text + " (expected: UID or UID:GID, numbers from 0 to 4294967295; names are not "
            + "looked up)");
  }

  @Test
  void constructor_badOptions_rejected() {
    assertThatThrownBy(() -> spec(List.of(), false, List.of(), null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("missing the command to run");
    assertThatThrownBy(() -> spec(List.of("sh"), false, List.of(), "tmp", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--cwd: tmp (expected: an absolute path)");
    assertThatThrownBy(() -> spec(List.of("sh"), false, List.of("NOEQUALS"), null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--env: NOEQUALS (expected: KEY=VALUE)");
  }

  @Test
  void readConfig_bundleWithConfig_returnsIt() throws IOException {
    Files.writeString(tmp.resolve("config.json"), CONFIG);

    assertThat(ExecSpec.readConfig("t1", tmp).path("process").path("cwd").asText()).isEqualTo("/");
  }

  @Test
  void readConfig_missingConfig_saysWhichFileAndWhatWasExpected() {
    assertThatThrownBy(() -> ExecSpec.readConfig("t1", tmp))
        .isInstanceOf(IOException.class)
        .hasMessage("task t1: cannot read its process from " + tmp.resolve("config.json")
            + ": no such file (expected: the task's bundle, readable where jshimctl runs)");
  }

  @Test
  void readConfig_notJsonOrNoProcess_rejected() throws IOException {
    Path file = Files.writeString(tmp.resolve("config.json"), "{\"process\": ");
    assertThatThrownBy(() -> ExecSpec.readConfig("t1", tmp))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("task t1: cannot read its process from " + file + ": not valid JSON: ")
        .hasMessageEndingWith("(expected: an OCI runtime spec)");

    Files.writeString(file, "{\"ociVersion\": \"1.0.2\"}");
    assertThatThrownBy(() -> ExecSpec.readConfig("t1", tmp))
        .isInstanceOf(IOException.class)
        .hasMessage("task t1: cannot read its process from " + file
            + ": no \"process\" object (expected: an OCI runtime spec with a process)");

    Files.writeString(file, "");
    assertThatThrownBy(() -> ExecSpec.readConfig("t1", tmp))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no \"process\" object");
  }
}
