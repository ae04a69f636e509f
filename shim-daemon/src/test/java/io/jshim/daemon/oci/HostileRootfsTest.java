package io.jshim.daemon.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.Privileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root file system whose mount targets are symbolic links out of it. A runtime must resolve every
 * mount destination, device and /dev link inside the root (as if the root were {@code /}), never on the
 * host: after the run (or a clean refusal at Create) the host directories the links point to are empty
 * and unchanged, and nothing new is mounted in the host's mount namespace.
 *
 * <p>The configs are written by hand ({@link Bundles#minimal}), so these tests run without runc. runc
 * is not the bar here anyway: Debian's runc 1.1.5, given the /dev case below with runc's default config
 * minus its /dev tmpfs, creates its /dev symlinks (fd, stdin, stdout, stderr, ptmx) in the host
 * directory rootfs/dev points to (its device nodes and mounts it does keep inside the root).
 */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileRootfsTest {
  @TempDir
  Path dir;

  private final List<Path> hostDirs = new ArrayList<>();
  private Bundles bundles;
  private DaemonFixture fixture;
  private int runs;

  @BeforeEach
  void setUp() throws IOException {
    Privileged.assumeRoot();
    TestRootfs.assumeBusybox();
    TestRootfs.setMode(dir, 0755);
    bundles = new Bundles(dir.resolve("bundles"), null);
    fixture = DaemonFixture.start(dir.resolve("daemon"));
  }

  @AfterEach
  void tearDown() throws IOException {
    if (fixture != null) {
      fixture.close();
    }
    // a leaked mount on a host directory would make deleting it delete the mounted file system's files
    for (Path host : hostDirs) {
      if (hostMounts().stream().noneMatch(m -> m.startsWith(host + "/") || m.startsWith(host + " "))) {
        TestRootfs.deleteTree(host);
      }
    }
  }

  @Test
  void tmpfsMountedUnderAnAbsoluteSymlinkToAHostDir_run_hostDirStaysEmptyAndNothingIsMountedOnTheHost() throws IOException {
    Path host = hostDir("jshim-hostile-abs");
    ObjectNode config = Bundles.minimal("/bin/sh", "-c", "touch /mnt/x/probe 2>/dev/null; exit 0");
    tmpfs(config, "/mnt/x");
    Path bundle = bundles.write("abs", config);
    Path mnt = bundle.resolve("rootfs/mnt");
    Files.createSymbolicLink(mnt, host);

    runAndExpectHostUntouched(bundle, host);
  }

  @Test
  void tmpfsMountedOnARelativeSymlinkClimbingOutOfTheRoot_run_hostDirStaysEmptyAndNothingIsMountedOnTheHost() throws IOException {
    Path host = hostDir("jshim-hostile-rel");
    ObjectNode config = Bundles.minimal("/bin/sh", "-c", "touch /data/probe 2>/dev/null; exit 0");
    tmpfs(config, "/data");
    Path bundle = bundles.write("rel", config);
    Path rootfs = bundle.resolve("rootfs");
    // enough ".." to reach / from the root file system on the host, then down to the host directory
    Path link = rootfs.resolve("data");
    Files.createSymbolicLink(link, Path.of("../".repeat(rootfs.getNameCount()) + host.toString().substring(1)));
    assertThat(link.toRealPath()).as("the link leads out of the root on the host").isEqualTo(host.toRealPath());

    runAndExpectHostUntouched(bundle, host);
  }

  @Test
  void devIsASymlinkToAHostDirAndNoDevTmpfsIsMounted_run_defaultDevicesAndDevMountsStayInsideTheRoot() throws IOException {
    Path host = hostDir("jshim-hostile-dev");
    ObjectNode config = Bundles.minimal("/bin/sh", "-c", "ls /dev /dev/pts >/dev/null 2>&1; exit 0");
    ArrayNode mounts = (ArrayNode) config.get("mounts");
    mounts.addObject().put("destination", "/dev/pts").put("type", "devpts").put("source", "devpts")
        .putArray("options").add("nosuid").add("noexec").add("newinstance").add("ptmxmode=0666").add("mode=0620");
    mounts.addObject().put("destination", "/dev/shm").put("type", "tmpfs").put("source", "shm")
        .putArray("options").add("nosuid").add("noexec").add("nodev").add("mode=1777").add("size=65536k");
    mounts.addObject().put("destination", "/dev/mqueue").put("type", "mqueue").put("source", "mqueue")
        .putArray("options").add("nosuid").add("noexec").add("nodev");
    Path bundle = bundles.write("dev", config);
    Path dev = bundle.resolve("rootfs/dev");
    Files.delete(dev);
    Files.createSymbolicLink(dev, host);

    runAndExpectHostUntouched(bundle, host);
  }

  /** Create, Start, Wait, Delete (any exit status), or a refusal with a status the daemon chose. */
  private void runAndExpectHostUntouched(Path bundle, Path host) throws IOException {
    FileTime modifiedBefore = Files.getLastModifiedTime(host);
    Set<String> mountsBefore = new LinkedHashSet<>(hostMounts());
    String id = "hostile-" + (++runs);

    try {
      fixture.run(id, bundle, dir.resolve(id + ".out"), dir.resolve(id + ".err"));
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).as("a refusal the daemon meant: %s", e.getStatus()).isNotEqualTo(Status.Code.UNKNOWN);
    }

    try (Stream<Path> left = Files.list(host)) {
      assertThat(left.map(Path::toString).toList()).as("files the run left in the host directory " + host).isEmpty();
    }
    assertThat(Files.getLastModifiedTime(host)).as("modification time of " + host).isEqualTo(modifiedBefore);
    List<String> added = new ArrayList<>(hostMounts());
    added.removeAll(mountsBefore);
    assertThat(added).as("mounts the run added to the host's mount namespace (mount point, type, source)").isEmpty();
  }

  private Path hostDir(String prefix) throws IOException {
    Path host = Files.createTempDirectory(Path.of("/tmp"), prefix).toRealPath();
    hostDirs.add(host);
    return host;
  }

  private static void tmpfs(ObjectNode config, String destination) {
    ((ArrayNode) config.get("mounts")).addObject().put("destination", destination).put("type", "tmpfs").put("source", "tmpfs")
        .putArray("options").add("nosuid").add("size=1m");
  }

  /** This process's mounts as "mount point, type, source" (mount ids and options left out: they change for other reasons). */
  private static List<String> hostMounts() throws IOException {
    List<String> mounts = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] fields = line.split(" ");
      int dash = List.of(fields).indexOf("-");
      mounts.add(fields[4] + " " + fields[dash + 1] + " " + fields[dash + 2]);
    }
    return mounts;
  }
}
