package io.jshim.daemon.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.reaper.ExitStatus;
import io.jshim.daemon.task.TaskEvent;
import io.jshim.proto.events.TaskExit;
import io.jshim.proto.events.TaskStart;
import io.jshim.proto.events.ttrpc.ForwardRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventForwarderTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00.123456789Z"), ZoneOffset.UTC);
  private static final ExitStatus EXIT = new ExitStatus(42, 3, Instant.parse("2026-11-22T10:00:01Z"));

  @Test
  void publish_severalEvents_forwardedInOrderWithTopicsBareTypeUrlsAndTheEventTime() throws Exception {
    List<ForwardRequest> sent = new CopyOnWriteArrayList<>();
    EventForwarder forwarder = new EventForwarder((bytes, timeout) -> sent.add(ForwardRequest.parseFrom(bytes)), "k8s.io",
        CLOCK, Duration.ofSeconds(5), Duration.ofMillis(1));

    forwarder.publish(new TaskEvent.Created("c1", Path.of("/b"), new StdioPaths("", "/o", ""), false, 42));
    forwarder.publish(new TaskEvent.Started("c1", 42));
    forwarder.publish(new TaskEvent.Exited("c1", "c1", EXIT));
    forwarder.publish(new TaskEvent.Deleted("c1", "c1", EXIT));
    forwarder.close(Duration.ofSeconds(5));

    assertThat(sent).extracting(r -> r.getEnvelope().getTopic())
        .containsExactly("/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete");
    assertThat(sent).extracting(r -> r.getEnvelope().getEvent().getTypeUrl())
        .containsExactly("containerd.events.TaskCreate", "containerd.events.TaskStart", "containerd.events.TaskExit",
            "containerd.events.TaskDelete");
    assertThat(sent).allSatisfy(r -> {
      assertThat(r.getEnvelope().getNamespace()).isEqualTo("k8s.io");
      assertThat(r.getEnvelope().getTimestamp().getSeconds()).isEqualTo(CLOCK.instant().getEpochSecond());
      assertThat(r.getEnvelope().getTimestamp().getNanos()).isEqualTo(123456789);
    });
    TaskStart start = TaskStart.parseFrom(sent.get(1).getEnvelope().getEvent().getValue());
    assertThat(start.getContainerId()).isEqualTo("c1");
    assertThat(start.getPid()).isEqualTo(42);
    TaskExit exit = TaskExit.parseFrom(sent.get(2).getEnvelope().getEvent().getValue());
    assertThat(exit.getId()).isEqualTo("c1");
    assertThat(exit.getExitStatus()).isEqualTo(3);
    assertThat(exit.getExitedAt().getSeconds()).isEqualTo(EXIT.exitedAt().getEpochSecond());
  }

  @Test
  void publish_transportFailsTwice_retriedAndTheOrderHolds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<String> delivered = new CopyOnWriteArrayList<>();
    EventForwarder forwarder = new EventForwarder((bytes, timeout) -> {
      if (calls.incrementAndGet() <= 2) {
        throw new IllegalStateException("containerd restarting");
      }
      delivered.add(ForwardRequest.parseFrom(bytes).getEnvelope().getTopic());
    }, "default", CLOCK, Duration.ofSeconds(5), Duration.ofMillis(1));

    forwarder.publish(new TaskEvent.Started("c1", 42));
    forwarder.publish(new TaskEvent.Exited("c1", "c1", EXIT));
    forwarder.close(Duration.ofSeconds(5));

    assertThat(calls.get()).isEqualTo(4);
    assertThat(delivered).containsExactly("/tasks/start", "/tasks/exit");
  }

  @Test
  void publish_transportAlwaysFails_droppedAfterFiveAttemptsAndTheNextEventStillGoes() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<String> delivered = new CopyOnWriteArrayList<>();
    EventForwarder forwarder = new EventForwarder((bytes, timeout) -> {
      String topic = ForwardRequest.parseFrom(bytes).getEnvelope().getTopic();
      if (topic.equals("/tasks/oom")) {
        calls.incrementAndGet();
        throw new IllegalStateException("refused");
      }
      delivered.add(topic);
    }, "default", CLOCK, Duration.ofSeconds(5), Duration.ofMillis(1));

    forwarder.publish(new TaskEvent.Oom("c1"));
    forwarder.publish(new TaskEvent.Paused("c1"));
    forwarder.close(Duration.ofSeconds(5));

    assertThat(calls.get()).isEqualTo(EventForwarder.ATTEMPTS);
    assertThat(delivered).containsExactly("/tasks/paused");
  }

  @Test
  void map_everyEventKind_hasContainerdsTopic() {
    assertThat(List.of(
        new TaskEvent.Created("c", Path.of("/b"), new StdioPaths("", "", ""), true, 1),
        new TaskEvent.Started("c", 1), new TaskEvent.ExecAdded("c", "e"), new TaskEvent.ExecStarted("c", "e", 2),
        new TaskEvent.Exited("c", "e", EXIT), new TaskEvent.Deleted("c", "c", EXIT), new TaskEvent.Oom("c"),
        new TaskEvent.Paused("c"), new TaskEvent.Resumed("c"), new TaskEvent.Checkpointed("c", Path.of("/img"))))
        .extracting(e -> EventMapper.map(e).topic())
        .containsExactly("/tasks/create", "/tasks/start", "/tasks/exec-added", "/tasks/exec-started", "/tasks/exit",
            "/tasks/delete", "/tasks/oom", "/tasks/paused", "/tasks/resumed", "/tasks/checkpointed");
  }
}
