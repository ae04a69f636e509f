package io.jshim.daemon.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.reaper.ExitStatus;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.task.TaskRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The JSON form of a {@link TaskRecord} ({@code task.json}): plain fields, absent ones null, so that the file
 * reads well and older daemons' files stay readable when fields are added.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record StoredTask(int version, String id, String bundle, String stdin, String stdout, String stderr, boolean terminal,
    Set<String> namespaces, String rootfs, String cgroupsPath, List<String> cgroupDirs, boolean rootfsMounted,
    StoredProcess init, List<StoredExec> execs) {
  /** Bumped when a change makes old files mean something else. */
  static final int VERSION = 1;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record StoredProcess(int pid, long startTime, String phase, Integer exitStatus, String exitedAt) {
    static StoredProcess of(TaskRecord.ProcessRecord p) {
      return new StoredProcess(p.pid(), p.startTime(), p.phase().name().toLowerCase(java.util.Locale.ROOT),
          p.exit().map(ExitStatus::status).orElse(null), p.exit().map(e -> e.exitedAt().toString()).orElse(null));
    }

    TaskRecord.ProcessRecord toRecord(String field) {
      TaskRecord.Phase p = TaskRecord.Phase.valueOf(required(phase, field + ".phase").toUpperCase(java.util.Locale.ROOT));
      Optional<ExitStatus> exit = exitStatus == null ? Optional.empty()
          : Optional.of(new ExitStatus(pid, exitStatus, Instant.parse(required(exitedAt, field + ".exitedAt"))));
      return new TaskRecord.ProcessRecord(pid, startTime, p, exit);
    }
  }

  /** A started exec: its exec id and its process. */
  record StoredExec(String id, StoredProcess process) {
    static StoredExec of(TaskRecord.ExecRecord e) {
      return new StoredExec(e.id(), StoredProcess.of(e.process()));
    }

    TaskRecord.ExecRecord toRecord() {
      String execId = required(id, "execs[].id");
      return new TaskRecord.ExecRecord(execId, required(process, "execs[" + execId + "].process")
          .toRecord("execs[" + execId + "].process"));
    }
  }

  static StoredTask of(TaskRecord r) {
    return new StoredTask(VERSION, r.id(), r.bundle().toString(), r.stdio().stdin(), r.stdio().stdout(),
        r.stdio().stderr(), r.terminal(), r.namespaces().stream().map(Namespace::name)
            .collect(Collectors.toCollection(TreeSet::new)), r.rootfs().orElse(null), r.cgroupsPath().orElse(null),
        r.cgroupDirs(), r.rootfsMounted(), StoredProcess.of(r.init()),
        r.execs().isEmpty() ? null : r.execs().stream().map(StoredExec::of).toList());
  }

  TaskRecord toRecord() {
    if (version != VERSION) {
      throw new IllegalArgumentException("version " + version + " (expected: " + VERSION + ")");
    }
    return new TaskRecord(required(id, "id"), Path.of(required(bundle, "bundle")),
        new StdioPaths(orEmpty(stdin), orEmpty(stdout), orEmpty(stderr)), terminal,
        namespaces == null ? Set.of() : namespaces.stream().map(Namespace::valueOf).collect(Collectors.toSet()),
        Optional.ofNullable(rootfs), Optional.ofNullable(cgroupsPath), cgroupDirs == null ? List.of() : cgroupDirs,
        rootfsMounted, required(init, "init").toRecord("init"),
        execs == null ? List.of() : execs.stream().map(StoredExec::toRecord).toList());
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return value;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
