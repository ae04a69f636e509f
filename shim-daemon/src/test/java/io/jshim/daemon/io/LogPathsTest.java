package io.jshim.daemon.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The path rules, checked through {@link ContainerLog#open}. */
class LogPathsTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00.123456789Z"), ZoneOffset.UTC);

  @TempDir
  Path tmp;

  private Path root;
  private Path outside;

  @BeforeEach
  void dirs() throws IOException {
    root = Files.createDirectory(tmp.resolve("logs"));
    outside = Files.createDirectory(tmp.resolve("outside"));
  }

  @Test
  void open_missingDirectories_createdWithoutGroupWriteOrOthers() throws IOException {
    Path path = root.resolve("ns_pod_uid/app/0.log");

    try (ContainerLog log = open(path)) {
      log.write(StreamName.STDOUT, "hi\n".getBytes(StandardCharsets.UTF_8), 0, 3);
    }

    assertThat(Files.readString(path)).isEqualTo("2026-11-22T10:00:00.123456789Z stdout F hi\n");
    assertThat(Files.getPosixFilePermissions(root.resolve("ns_pod_uid"))).isSubsetOf(PosixFilePermissions.fromString("rwxr-x---"))
        .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    assertThat(Files.getPosixFilePermissions(root.resolve("ns_pod_uid/app"))).isSubsetOf(PosixFilePermissions.fromString("rwxr-x---"));
    assertThat(Files.getPosixFilePermissions(path)).isSubsetOf(PosixFilePermissions.fromString("rw-r-----"))
        .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void open_existingRegularFile_appendsAfterItsContent() throws IOException {
    Path path = root.resolve("c.log");
    Files.writeString(path, "earlier\n");

    try (ContainerLog log = open(path)) {
      log.write(StreamName.STDERR, "later\n".getBytes(StandardCharsets.UTF_8), 0, 6);
    }

    assertThat(Files.readString(path)).isEqualTo("earlier\n2026-11-22T10:00:00.123456789Z stderr F later\n");
  }

  @Test
  void open_dotDot_refusedWithExactMessage() {
    Path path = Path.of(root + "/pod/../c.log");

    assertRefused(path, "log path " + path + ": contains \"..\" (expected: a normalised absolute path inside " + root + ")");
  }

  @Test
  void open_dotDotEscapingTheRoot_refusedAsDotDot() {
    assertRefused(Path.of(root + "/../outside/c.log"), "contains \"..\"");
    assertThat(outside.resolve("c.log")).doesNotExist();
  }

  @Test
  void open_dotComponent_refusedAsNotNormalised() {
    assertRefused(Path.of(root + "/./c.log"), ": not normalised (expected: a normalised absolute path inside " + root + ")");
  }

  @Test
  void open_relativePath_refused() {
    assertRefused(Path.of("logs/c.log"), "log path logs/c.log: not absolute (expected: a normalised absolute path inside " + root + ")");
  }

  @Test
  void open_outsideRoot_refused() {
    Path path = outside.resolve("c.log");

    assertRefused(path, "log path " + path + ": outside " + root + " (expected: a normalised absolute path inside " + root + ")");
    assertThat(path).doesNotExist();
  }

  @Test
  void open_siblingWithRootAsNamePrefix_refusedAsOutside() throws IOException {
    Path sibling = Files.createDirectory(tmp.resolve("logs-evil"));

    assertRefused(sibling.resolve("c.log"), "outside " + root);
  }

  @Test
  void open_theRootItself_refused() {
    assertRefused(root, "log path " + root + ": is the log directory itself (expected: a file inside " + root + ")");
  }

  @Test
  void open_symlinkAsFile_refusedAndTargetUntouched() throws IOException {
    Path target = Files.writeString(outside.resolve("secret"), "keep\n");
    Path path = Files.createSymbolicLink(root.resolve("c.log"), target);

    assertRefused(path, "log path " + path + ": is a symbolic link (expected: a regular file with a single link, or no file yet, inside " + root + ")");
    assertThat(Files.readString(target)).isEqualTo("keep\n");
  }

  @Test
  void open_danglingSymlinkAsFile_refusedAndNothingCreated() throws IOException {
    Path target = outside.resolve("created-through-link");
    Path path = Files.createSymbolicLink(root.resolve("c.log"), target);

    assertRefused(path, "is a symbolic link");
    assertThat(target).doesNotExist();
  }

  @Test
  void open_symlinkedParentDirectory_refusedAndNothingCreatedInTarget() throws IOException {
    Path pod = Files.createSymbolicLink(root.resolve("pod"), outside);
    Path path = pod.resolve("c.log");

    assertRefused(path, "log path " + path + ": " + pod + " is a symbolic link (expected: real directories between " + root + " and the file)");
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void open_symlinkedDirectoryDeeperDown_refused() throws IOException {
    Files.createDirectories(root.resolve("a"));
    Path link = Files.createSymbolicLink(root.resolve("a/b"), outside);

    assertRefused(root.resolve("a/b/c/d.log"), link + " is a symbolic link");
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void open_symlinkToDirectoryInsideRoot_stillRefused() throws IOException {
    Files.createDirectories(root.resolve("real"));
    Path link = Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));

    assertRefused(link.resolve("c.log"), link + " is a symbolic link");
  }

  @Test
  void open_fileWhereADirectoryShouldBe_refused() throws IOException {
    Path file = Files.writeString(root.resolve("pod"), "");

    assertRefused(file.resolve("c.log"), file + " is not a directory (expected: real directories between " + root + " and the file)");
  }

  @Test
  void open_directoryAsFile_refused() throws IOException {
    Path path = Files.createDirectories(root.resolve("pod/c.log"));

    assertRefused(path, "log path " + path + ": is a directory (expected: a regular file with a single link, or no file yet, inside " + root + ")");
  }

  @Test
  void open_hardLinkedFile_refused() throws IOException {
    Path target = Files.writeString(outside.resolve("other"), "keep\n");
    Path path = Files.createLink(root.resolve("c.log"), target);

    assertRefused(path, ": has 2 hard links");
    assertThat(Files.readString(target)).isEqualTo("keep\n");
  }

  @Test
  void open_missingRoot_failedPrecondition() {
    Path missing = tmp.resolve("nope");

    assertThatThrownBy(() -> ContainerLog.open(LogSpec.withDefaults(missing.resolve("c.log")), missing, CLOCK))
        .isInstanceOfSatisfying(ShimException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION))
        .hasMessageStartingWith("log root " + missing + ": ")
        .hasMessageContaining("(expected: an existing directory configured for container logs)");
  }

  @Test
  void rotated_appendsNumberToFileName() {
    assertThat(LogPaths.rotated(Path.of("/r/pod/0.log"), 3)).isEqualTo(Path.of("/r/pod/0.log.3"));
  }

  private ContainerLog open(Path path) {
    return ContainerLog.open(LogSpec.withDefaults(path), root, CLOCK);
  }

  private void assertRefused(Path path, String messagePart) {
    assertThatThrownBy(() -> open(path).close())
        .isInstanceOfSatisfying(ShimException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
        .hasMessageContaining(messagePart);
  }
}
