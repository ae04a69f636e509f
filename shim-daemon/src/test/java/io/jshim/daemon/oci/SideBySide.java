package io.jshim.daemon.oci;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.Privileged;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The two runtimes a comparison test runs one config under, in one test directory: Debian's runc (the reference)
 * and a jshim daemon. Skips the test unless it runs as root with runc and busybox-static installed.
 */
record SideBySide(Path runcBinary, Runc runc, Bundles bundles, DaemonFixture fixture) implements AutoCloseable {

  static SideBySide start(Path dir) throws IOException {
    Privileged.assumeRoot();
    Path binary = Runc.binary().orElse(null);
    assumeTrue(binary != null, "runc is not installed (Debian: apt-get install runc): it is the reference these tests compare with");
    TestRootfs.assumeBusybox();
    // a user namespace's root (host uid 100000) must be able to reach the root file system
    TestRootfs.setMode(dir, 0755);
    Runc runc = Runc.in(binary, dir.resolve("runc"));
    return new SideBySide(binary, runc, new Bundles(dir.resolve("bundles"), binary), DaemonFixture.start(dir.resolve("daemon")));
  }

  /** Stops the daemon, then deletes every container runc still has. */
  @Override
  public void close() throws IOException {
    fixture.close();
    runc.deleteAll();
  }
}
