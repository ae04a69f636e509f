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
final class SideBySide implements AutoCloseable {
  private final Path runcBinary;
  private final Runc runc;
  private final Bundles bundles;
  private DaemonFixture daemon;

  private SideBySide(Path runcBinary, Runc runc, Bundles bundles, DaemonFixture daemon) {
    this.runcBinary = runcBinary;
    this.runc = runc;
    this.bundles = bundles;
    this.daemon = daemon;
  }

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

  Path runcBinary() {
    return runcBinary;
  }

  Runc runc() {
    return runc;
  }

  Bundles bundles() {
    return bundles;
  }

  DaemonFixture fixture() {
    return daemon;
  }

  /**
   * Stops the daemon and puts {@code next} in its place, so that {@link #close} stops the one that runs (a daemon
   * left running would reap the children of later tests in the same JVM).
   */
  DaemonFixture replaceDaemon(DaemonFixture next) {
    daemon.close();
    daemon = next;
    return next;
  }

  /** Stops the daemon, then deletes every container runc still has. */
  @Override
  public void close() throws IOException {
    daemon.close();
    runc.deleteAll();
  }
}
