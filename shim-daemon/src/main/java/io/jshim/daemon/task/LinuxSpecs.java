package io.jshim.daemon.task;

import io.jshim.daemon.oci.OciSpec;

/** Stand-ins for absent parts of a config, so readers need no null checks on the containers. */
final class LinuxSpecs {
  static final OciSpec.Linux EMPTY = new OciSpec.Linux(null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, null);

  private LinuxSpecs() {}
}
