package io.jshim.daemon.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SameUserTest {
  private final SameUser daemon = new SameUser(1000, 1000);

  @Test
  void admits_sameUidAndGid_accepts() {
    assertThat(daemon.admits(1000, 1000)).isTrue();
  }

  @Test
  void admits_otherUid_refuses() {
    assertThat(daemon.admits(1001, 1000)).isFalse();
  }

  @Test
  void admits_sameUidOtherGid_refuses() {
    assertThat(daemon.admits(1000, 1001)).isFalse();
  }

  @Test
  void admits_rootPeerForNonRootDaemon_refuses() {
    assertThat(daemon.admits(0, 0)).isFalse();
  }
}
