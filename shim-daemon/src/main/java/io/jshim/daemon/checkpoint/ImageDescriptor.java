package io.jshim.daemon.checkpoint;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;

/**
 * What a restore needs beyond CRIU's images, kept next to them as {@value #FILE_NAME}: the CRIU names of the
 * checkpointed process's stdio (fds 0, 1, 2), the bind mounts and masked files that were dumped as external mounts
 * (by their path in the container), and the dump options a restore must repeat.
 *
 * @param version {@value #VERSION}
 * @param taskId the task that was checkpointed
 * @param pid its init's pid at the time
 * @param stdio CRIU's names of fds 0, 1 and 2
 * @param bindMounts targets of the bind mounts, dumped as {@code --external mnt[TARGET]:TARGET}
 * @param maskedFiles masked files (bind mounts of /dev/null), dumped the same way
 * @param openTcp dumped with {@code --tcp-established}
 * @param externalUnixSockets dumped with {@code --ext-unix-sk}
 * @param fileLocks dumped with {@code --file-locks}
 * @param emptyNetwork to be restored with {@code --empty-ns net}
 */
public record ImageDescriptor(int version, String taskId, int pid, List<String> stdio, List<String> bindMounts,
    List<String> maskedFiles, boolean openTcp, boolean externalUnixSockets, boolean fileLocks, boolean emptyNetwork) {
  /** The descriptor's file name inside the image directory. */
  public static final String FILE_NAME = "jshim-checkpoint.json";
  static final int VERSION = 1;
  private static final JsonMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  public ImageDescriptor {
    Objects.requireNonNull(taskId, "taskId");
    stdio = List.copyOf(stdio);
    bindMounts = List.copyOf(bindMounts);
    maskedFiles = List.copyOf(maskedFiles);
    if (stdio.size() != 3) {
      throw new IllegalArgumentException("stdio: " + stdio + " (expected: the names of fds 0, 1 and 2)");
    }
  }

  /** Writes the descriptor into {@code imageDir} (atomically: a reader never sees half of it). */
  void write(Path imageDir) {
    Path file = imageDir.resolve(FILE_NAME);
    Path temp = imageDir.resolve(FILE_NAME + ".tmp");
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), this);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("write " + file, e);
    }
  }

  /**
   * Reads the descriptor of the checkpoint in {@code imageDir}.
   *
   * @throws ShimException INVALID_ARGUMENT when it is missing, unreadable or of another version
   */
  public static ImageDescriptor read(Path imageDir) {
    Path file = imageDir.resolve(FILE_NAME);
    ImageDescriptor descriptor;
    try {
      descriptor = JSON.readValue(Files.readAllBytes(file), ImageDescriptor.class);
    } catch (NoSuchFileException e) {
      throw ShimException.invalidArgument("checkpoint: " + imageDir + " has no " + FILE_NAME
          + " (expected: a directory written by jshim's Checkpoint)");
    } catch (IOException | RuntimeException e) {
      throw ShimException.invalidArgument("checkpoint: cannot read " + file + ": " + e.getMessage()
          + " (expected: the descriptor jshim's Checkpoint wrote)", e);
    }
    if (descriptor.version() != VERSION) {
      throw ShimException.invalidArgument("checkpoint: " + file + " has version " + descriptor.version()
          + " (expected: " + VERSION + ")");
    }
    return descriptor;
  }
}
