package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SignalForwarderTest {
  private final List<Integer> forwarded = new CopyOnWriteArrayList<>();

  @Test
  void deliver_beforeAttach_keepsSignalPendingAndForwardsItOnAttach() {
    SignalForwarder forwarder = SignalForwarder.detached();

    forwarder.deliver(15);

    assertThat(forwarder.pending()).isEqualTo(15);
    forwarder.attach(forwarded::add);
    assertThat(forwarded).containsExactly(15);
    assertThat(forwarder.pending()).isZero();
  }

  @Test
  void deliver_secondInterrupt_forwardsKill() {
    SignalForwarder forwarder = SignalForwarder.detached();
    forwarder.attach(forwarded::add);

    forwarder.deliver(2);
    forwarder.deliver(15);
    forwarder.deliver(2);

    assertThat(forwarded).containsExactly(2, 15, 9);
  }

  @Test
  void deliver_afterDetach_onlyPending() {
    SignalForwarder forwarder = SignalForwarder.detached();
    forwarder.attach(forwarded::add);
    forwarder.detach();

    forwarder.deliver(1);

    assertThat(forwarded).isEmpty();
    assertThat(forwarder.pending()).isEqualTo(1);
  }

  @Test
  void deliver_pendingKill_notDowngradedByLaterSignal() {
    SignalForwarder forwarder = SignalForwarder.detached();

    forwarder.deliver(2);
    forwarder.deliver(2);
    forwarder.deliver(15);

    assertThat(forwarder.pending()).isEqualTo(9);
  }
}
