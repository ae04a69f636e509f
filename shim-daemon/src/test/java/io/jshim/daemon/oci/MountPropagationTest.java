package io.jshim.daemon.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.Privileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code linux.rootfsPropagation: rshared} with an {@code rbind,rshared} volume of a shared host directory, as
 * containerd's CRI plugin writes for Kubernetes' {@code Bidirectional} mount propagation (critest's "mount with
 * 'rshared'" case): a mount made inside the container under the volume appears on the host, and nothing else the
 * container mounts does.
 */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MountPropagationTest {
  @TempDir
  Path dir;

  private final List<Path> hostMounts = new ArrayList<>();
  private DaemonFixture fixture;

  @BeforeEach
  void setUp() throws IOException {
    Privileged.assumeRoot();
    TestRootfs.assumeBusybox();
    TestRootfs.setMode(dir, 0755);
    fixture = DaemonFixture.start(dir.resolve("daemon"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
    // innermost first: what the container left on the volume, then the test's own bind
    for (int i = hostMounts.size() - 1; i >= 0; i--) {
      sh("umount -R " + hostMounts.get(i) + " 2>/dev/null || true");
    }
  }

  @Test
  void rsharedVolumeOfASharedHostDir_mountInsideTheContainer_appearsOnTheHostAndNothingElseDoes() throws Exception {
    Path host = Files.createDirectory(dir.resolve("host-volume")).toRealPath();
    sh("mount --bind " + host + " " + host + " && mount --make-rshared " + host);
    hostMounts.add(host);
    ObjectNode config = Bundles.minimal("/bin/sh", "-c",
        "mkdir -p /mnt/vol/inner && mount -t tmpfs -o size=1m from-container /mnt/vol/inner"
            + " && grep -q ' /mnt/vol/inner ' /proc/self/mountinfo");
    ((ObjectNode) config.get("linux")).put("rootfsPropagation", "rshared");
    ((ArrayNode) config.get("mounts")).addObject().put("destination", "/mnt/vol").put("type", "bind")
        .put("source", host.toString()).putArray("options").add("rbind").add("rshared").add("rw");
    ObjectNode caps = ((ObjectNode) config.get("process")).putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      caps.putArray(set).add("CAP_SYS_ADMIN");
    }
    Path bundle = new Bundles(dir.resolve("bundles"), null).write("rshared", config);
    List<String> before = mountPoints();

    int status = fixture.run("rshared", bundle, dir.resolve("out"), dir.resolve("err"));

    assertThat(status).as("exit status; stderr: %s", Files.readString(dir.resolve("err"))).isZero();
    hostMounts.add(host.resolve("inner"));
    List<String> added = new ArrayList<>(mountPoints());
    added.removeAll(before);
    assertThat(added).as("mount points the run added on the host").containsExactly(host.resolve("inner").toString());
  }

  private static List<String> mountPoints() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(line -> line.split(" ")[4]).toList();
  }

  private static void sh(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
    assertThat(p.waitFor()).as("exit status of: %s", command).isZero();
  }
}
