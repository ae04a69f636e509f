package io.jshim.client.cli;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The Linux namespaces {@code run --ns} can ask for, with their short CLI names and OCI type names. */
enum Namespace {
  PID("pid", "pid"),
  UTS("uts", "uts"),
  IPC("ipc", "ipc"),
  MOUNT("mnt", "mount"),
  NETWORK("net", "network");

  /** What {@code run} uses when {@code --ns} is not given. */
  static final Set<Namespace> DEFAULT = EnumSet.of(PID, UTS, IPC, MOUNT);

  private final String cliName;
  private final String ociType;

  Namespace(String cliName, String ociType) {
    this.cliName = cliName;
    this.ociType = ociType;
  }

  /**
   * Returns the {@code type} of this namespace in an OCI {@code linux.namespaces} entry.
   *
   * @return {@code pid}, {@code uts}, {@code ipc}, {@code mount} or {@code network}
   */
  String ociType() {
    return ociType;
  }

  /**
   * Parses namespace names, each its short name ({@code mnt}, {@code net}) or its OCI type ({@code mount},
   * {@code network}); blank entries are skipped, so an empty {@code --ns ""} means no namespaces.
   *
   * @param names the names
   * @return the namespaces named
   * @throws IllegalArgumentException for an unknown name
   */
  static Set<Namespace> parse(Collection<String> names) {
    Set<Namespace> namespaces = EnumSet.noneOf(Namespace.class);
    for (String raw : names) {
      String name = raw.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      namespaces.add(Arrays.stream(values())
          .filter(ns -> ns.cliName.equals(name) || ns.ociType.equals(name))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException(
              "unknown namespace '" + raw.trim() + "' (expected: " + names() + ")")));
    }
    return namespaces;
  }

  private static String names() {
    return Arrays.stream(values()).map(ns -> ns.cliName).collect(Collectors.joining(", "));
  }
}
