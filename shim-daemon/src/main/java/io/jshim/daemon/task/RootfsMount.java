package io.jshim.daemon.task;

import java.util.List;
import java.util.Objects;

/**
 * One mount of a task's root filesystem, as containerd's snapshotter describes it ({@code containerd.types.Mount}
 * without its target: a rootfs mount always goes on {@code <bundle>/rootfs}).
 *
 * @param type the filesystem type ({@code bind}, {@code overlay}, ...)
 * @param source the device, directory or pseudo-source ({@code overlay})
 * @param options fstab-like option words ({@code ro}, {@code rbind}, {@code lowerdir=...})
 */
public record RootfsMount(String type, String source, List<String> options) {
  public RootfsMount {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    options = List.copyOf(options);
  }

  @Override
  public String toString() {
    return "type " + (type.isEmpty() ? "(none)" : type) + ", source " + source;
  }
}
