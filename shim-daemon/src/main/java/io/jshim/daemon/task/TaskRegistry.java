package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Task ids to tasks; an id is reserved while its task is being created. */
final class TaskRegistry {
  private final Map<String, Optional<Task>> tasks = new HashMap<>();

  synchronized void reserve(String id) {
    if (tasks.containsKey(id)) {
      throw ShimException.alreadyExists("task " + id + " already exists");
    }
    tasks.put(id, Optional.empty());
  }

  synchronized void install(Task task) {
    tasks.put(task.id(), Optional.of(task));
  }

  synchronized void remove(String id) {
    tasks.remove(id);
  }

  synchronized Task get(String id) {
    Optional<Task> task = tasks.get(id);
    if (task == null) {
      throw ShimException.notFound("task " + id + " not found");
    }
    return task.orElseThrow(() -> ShimException.notFound("task " + id + " is still being created"));
  }

  /** The installed tasks (not the ones still being created). */
  synchronized List<Task> all() {
    return tasks.values().stream().flatMap(Optional::stream).toList();
  }

  synchronized boolean isEmpty() {
    return tasks.isEmpty();
  }

  synchronized int size() {
    return tasks.size();
  }
}
