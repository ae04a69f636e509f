package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PtyResizerTest {
  private final AtomicReference<WindowSize> terminal = new AtomicReference<>(new WindowSize(80, 24));
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private final PtyResizer resizer = new PtyResizer(terminal::get, (columns, rows) -> sent.add(columns + "x" + rows));

  @Test
  void update_firstTime_sendsColumnsThenRows() {
    assertThat(resizer.update()).isTrue();

    assertThat(sent).containsExactly("80x24");
  }

  @Test
  void update_sameSizeAgain_sendsNothing() {
    resizer.update();

    assertThat(resizer.update()).isFalse();
    assertThat(sent).containsExactly("80x24");
  }

  @Test
  void update_afterWindowChange_sendsNewSize() {
    resizer.update();
    terminal.set(new WindowSize(132, 43));

    assertThat(resizer.update()).isTrue();
    assertThat(sent).containsExactly("80x24", "132x43");
  }

  @Test
  void update_unknownSize_sendsNothing() {
    terminal.set(new WindowSize(0, 0));
    assertThat(resizer.update()).isFalse();
    terminal.set(new WindowSize(80, 0));
    assertThat(resizer.update()).isFalse();

    assertThat(sent).isEmpty();
  }

  @Test
  void update_hugeSize_clampedToWhatAPtyTakes() {
    terminal.set(new WindowSize(70000, 24));

    resizer.update();

    assertThat(sent).containsExactly("65535x24");
  }
}
