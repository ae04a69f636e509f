package io.jshim.daemon.bench;

import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.jshim.daemon.Privileged;
import io.jshim.proto.task.v2.ConnectRequest;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.PidsRequest;
import io.jshim.proto.task.v2.ShutdownRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.v1.DaemonStatusGrpc;
import io.jshim.proto.v1.GetStatusRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The training run behind the daemon's class-data archive (run by the build in shim-daemon's {@code package}
 * phase): starts the daemon through the launcher {@code bin/jshim-daemon} with {@code JSHIM_CDS_DUMP=FILE}, so
 * the JVM flags and class path are exactly the launcher's, answers a few RPCs (status, health, unknown ids, and as
 * root one container's Create, Start, State, Pids, Wait, Delete), then asks the daemon to shut down; the launcher
 * then dumps the classes the daemon loaded into a static archive. Never fails the build: without root the container part is skipped, and any
 * other failure leaves no archive (the launcher then runs without one).
 *
 * <p>Arguments: {@code --launcher PATH --out FILE [--env K=V;K=V]} ({@code --env} replaces {@code JSHIM_CDS_DUMP},
 * e.g. for a JDK 25 AOT cache: {@code JSHIM_JAVA=...;JSHIM_EXTRA_JAVA_OPTS=-XX:AOTCacheOutput=FILE}).
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    Path launcher = Path.of("bin/jshim-daemon");
    Path out = null;
    String envSpec = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--launcher" -> launcher = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
        case "--env" -> envSpec = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (out == null) {
      throw new IllegalArgumentException("--out FILE is required");
    }
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    Files.deleteIfExists(out);
    Files.deleteIfExists(tmp);
    Map<String, String> env = new LinkedHashMap<>();
    if (envSpec == null) {
      env.put("JSHIM_CDS_DUMP", tmp.toString());
    } else {
      for (String pair : envSpec.split(";")) {
        int e = pair.indexOf('=');
        env.put(pair.substring(0, e), pair.substring(e + 1).replace("@TMP@", tmp.toString()));
      }
    }
    if (!Files.isExecutable(Privileged.helper())) {
      System.out.println("[cds] no archive: the native helper " + Privileged.helper() + " is not built");
      return;
    }
    Path dir = Files.createTempDirectory("jshim-cds");
    long t0 = System.nanoTime();
    try (LaunchedDaemon daemon = LaunchedDaemon.start(launcher.toAbsolutePath(), env, dir)) {
      train(daemon);
      try {
        TaskGrpc.newBlockingStub(daemon.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
            .shutdown(ShutdownRequest.getDefaultInstance());
      } catch (StatusRuntimeException goingAway) {
        // the daemon may close the connection before the answer
      }
      if (!daemon.process.waitFor(120, TimeUnit.SECONDS)) {
        System.out.println("[cds] no archive: the daemon did not exit after Shutdown; log " + dir.resolve("daemon.log"));
        return;
      }
      if (!Files.isRegularFile(tmp)) {
        System.out.println("[cds] no archive written (exit " + daemon.process.exitValue() + "); log "
            + dir.resolve("daemon.log") + ":\n" + Files.readString(dir.resolve("daemon.log")));
        return;
      }
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      System.out.printf("[cds] %s (%d KiB) from a %.1f s training run%n", out, Files.size(out) / 1024,
          (System.nanoTime() - t0) / 1e9);
      // kept only when something failed: the messages above point into it
      deleteTree(dir);
    } catch (Exception e) {
      System.out.println("[cds] no archive: training run failed: " + e + "; log " + dir.resolve("daemon.log"));
      Files.deleteIfExists(tmp);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void train(LaunchedDaemon daemon) throws Exception {
    var status = DaemonStatusGrpc.newBlockingStub(daemon.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
    status.get(GetStatusRequest.getDefaultInstance());
    HealthGrpc.newBlockingStub(daemon.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
    TaskGrpc.TaskBlockingStub tasks = TaskGrpc.newBlockingStub(daemon.channel());
    expectError(() -> tasks.withDeadlineAfter(10, TimeUnit.SECONDS).state(StateRequest.newBuilder().setId("none").build()));
    expectError(() -> tasks.withDeadlineAfter(10, TimeUnit.SECONDS).connect(ConnectRequest.newBuilder().setId("none").build()));
    if (!Privileged.isRoot()) {
      System.out.println("[cds] not root: training without a container lifecycle");
      return;
    }
    try {
      Path bundle = LaunchedDaemon.bundle(daemon.dir.resolve("bundle"), List.of(Privileged.testbin().toString(), "exit", "0"));
      for (int i = 0; i < 3; i++) {
        String id = "train-" + i;
        var t = tasks.withDeadlineAfter(30, TimeUnit.SECONDS);
        t.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build());
        t.state(StateRequest.newBuilder().setId(id).build());
        t.connect(ConnectRequest.newBuilder().setId(id).build());
        t.pids(PidsRequest.newBuilder().setId(id).build());
        t.start(StartRequest.newBuilder().setId(id).build());
        t.wait(WaitRequest.newBuilder().setId(id).build());
        t.delete(DeleteRequest.newBuilder().setId(id).build());
      }
      status.get(GetStatusRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      System.out.println("[cds] container lifecycle skipped: " + e.getStatus());
    }
  }

  private static void expectError(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException expected) {
      // NOT_FOUND: trains the error path
    }
  }
}
