package io.jshim.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TtrpcSocketConfigTest {
  private static ShimConfig config(Optional<Path> ttrpc) {
    return new ShimConfig(Path.of("/run/jshim/jshim.sock"), Path.of("/run/jshim/state"), Path.of("/helper"), Set.of(),
        Duration.ofSeconds(1), Path.of("/var/log/jshim"), ttrpc);
  }

  @Test
  void config_withoutTtrpcSocket_hasNone() {
    assertThat(new ShimConfig(Path.of("/a.sock"), Path.of("/s"), Path.of("/h"), Set.of(), Duration.ofSeconds(1),
        Path.of("/l")).ttrpcSocket()).isEmpty();
  }

  @Test
  void config_relativeTtrpcSocket_isRefused() {
    assertThatThrownBy(() -> config(Optional.of(Path.of("ttrpc.sock"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttrpcSocket: ttrpc.sock");
  }

  @Test
  void config_ttrpcSocketSameAsGrpcSocket_isRefused() {
    assertThatThrownBy(() -> config(Optional.of(Path.of("/run/jshim/jshim.sock"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other than the gRPC socket");
  }
}
