package io.jshim.daemon.task;

import io.jshim.daemon.spawn.HookCommand;
import io.jshim.daemon.spawn.HookKind;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A bundle's {@code hooks}: the commands of each kind, in config order. */
record OciHooks(Map<HookKind, List<HookCommand>> byKind) {
  static final OciHooks NONE = new OciHooks(Map.of());

  OciHooks {
    EnumMap<HookKind, List<HookCommand>> copy = new EnumMap<>(HookKind.class);
    byKind.forEach((kind, hooks) -> {
      if (!hooks.isEmpty()) {
        copy.put(kind, List.copyOf(hooks));
      }
    });
    byKind = Map.copyOf(copy);
  }

  /** The hooks of {@code kind}, perhaps none. */
  List<HookCommand> of(HookKind kind) {
    return byKind.getOrDefault(kind, List.of());
  }

  /** The createContainer and startContainer hooks, which the workload runs itself. */
  List<HookCommand> inContainer() {
    return Stream.concat(of(HookKind.CREATE_CONTAINER).stream(),
        of(HookKind.START_CONTAINER).stream()).toList();
  }

  /** Whether Create must stop the workload before its root switch for prestart and createRuntime hooks. */
  boolean stopsForRuntimeHooks() {
    return !of(HookKind.PRESTART).isEmpty() || !of(HookKind.CREATE_RUNTIME).isEmpty();
  }

  boolean isEmpty() {
    return byKind.isEmpty();
  }
}
