package io.jshim.daemon.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import org.junit.jupiter.api.Test;

/** Parsing of OCI {@code linux.cgroupsPath}. */
class CgroupsPathTest {
  @Test
  void parse_absolutePath_keepsItsElements() {
    CgroupsPath path = CgroupsPath.parse("/jshim/abc");

    assertThat(path.absolute()).isTrue();
    assertThat(path.names()).containsExactly("jshim", "abc");
    assertThat(path).hasToString("/jshim/abc");
  }

  @Test
  void parse_relativePathWithRedundantSlashes_isNormalized() {
    CgroupsPath path = CgroupsPath.parse("jshim//abc/");

    assertThat(path.absolute()).isFalse();
    assertThat(path).hasToString("jshim/abc");
  }

  @Test
  void parse_dotDot_isInvalid() {
    assertThatThrownBy(() -> CgroupsPath.parse("/jshim/../etc")).isInstanceOfSatisfying(ShimException.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
      assertThat(e.getMessage()).isEqualTo("linux.cgroupsPath: \"/jshim/../etc\" contains \"..\""
          + " (expected: a path without . or .. elements)");
    });
  }

  @Test
  void parse_rootOrEmpty_isInvalid() {
    for (String path : new String[] {"", "/", "//"}) {
      assertThatThrownBy(() -> CgroupsPath.parse(path)).isInstanceOfSatisfying(ShimException.class,
          e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
    }
  }

  @Test
  void parse_systemdSlicePrefixName_isUnimplemented() {
    assertThatThrownBy(() -> CgroupsPath.parse("system.slice:jshim:abc")).isInstanceOfSatisfying(ShimException.class,
        e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.UNIMPLEMENTED);
          assertThat(e.getMessage()).contains("systemd cgroup driver is not supported");
        });
  }

  @Test
  void parse_colonInsideAPathElement_isAPlainPath() {
    assertThat(CgroupsPath.parse("/jshim/a:b:c").names()).containsExactly("jshim", "a:b:c");
  }
}
