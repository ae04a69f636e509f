package io.jshim.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.jshim.daemon.config.ShimConfig;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.task.v2.WaitResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A real daemon on a Unix socket in a temporary directory, with helpers to write bundles. */
public final class DaemonFixture implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final ShimDaemon daemon;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private int bundles;
  private ManagedChannel shared;

  private DaemonFixture(Path dir, ShimDaemon daemon) {
    this.dir = dir;
    this.daemon = daemon;
  }

  public static DaemonFixture start(Path dir) throws IOException {
    return start(dir, Set.of());
  }

  public static DaemonFixture start(Path dir, Set<Integer> extraUids) throws IOException {
    ShimConfig config = new ShimConfig(dir.resolve("run/jshim.sock"), dir.resolve("state"), Privileged.helper(),
        extraUids, Duration.ofSeconds(10), dir.resolve("logs"));
    return new DaemonFixture(dir, ShimDaemon.start(config));
  }

  /** A daemon whose containers get their cgroups from {@code cgroups} instead of the host's mount table. */
  public static DaemonFixture startOnCgroups(Path dir, java.util.function.Supplier<io.jshim.daemon.cgroup.Cgroups> cgroups)
      throws IOException {
    ShimConfig config = new ShimConfig(dir.resolve("run/jshim.sock"), dir.resolve("state"), Privileged.helper(),
        Set.of(), Duration.ofSeconds(10), dir.resolve("logs"));
    return new DaemonFixture(dir, ShimDaemon.start(config, cgroups));
  }

  /** A daemon started with {@code --allow-unapplied} {@code fields}. */
  public static DaemonFixture startAllowingUnapplied(Path dir, Set<String> fields) throws IOException {
    ShimConfig config = new ShimConfig(dir.resolve("run/jshim.sock"), dir.resolve("state"), Privileged.helper(),
        Set.of(), Duration.ofSeconds(10), dir.resolve("logs"), Optional.empty(), Optional.empty(), Optional.empty(),
        Duration.ZERO, fields);
    return new DaemonFixture(dir, ShimDaemon.start(config));
  }

  /** A daemon that also serves ttrpc on {@code run/jshim-ttrpc.sock}. */
  public static DaemonFixture startWithTtrpc(Path dir) throws IOException {
    ShimConfig config = new ShimConfig(dir.resolve("run/jshim.sock"), dir.resolve("state"), Privileged.helper(),
        Set.of(), Duration.ofSeconds(10), dir.resolve("logs"), Optional.of(dir.resolve("run/jshim-ttrpc.sock")));
    return new DaemonFixture(dir, ShimDaemon.start(config));
  }

  public ShimDaemon daemon() {
    return daemon;
  }

  public Path socket() {
    return daemon.socket();
  }

  public Path dir() {
    return dir;
  }

  /** A new channel (a new connection) to the daemon. */
  public ManagedChannel channel() {
    ManagedChannel channel = Grpc.newChannelBuilder("unix://" + socket(), InsecureChannelCredentials.create()).build();
    channels.add(channel);
    return channel;
  }

  /** A stub on a new connection. */
  public TaskGrpc.TaskBlockingStub stub() {
    return TaskGrpc.newBlockingStub(channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private synchronized ManagedChannel shared() {
    if (shared == null) {
      shared = channel();
    }
    return shared;
  }

  /** Starts a bundle description running {@code args}. */
  public BundleBuilder bundle(String... args) {
    return new BundleBuilder(dir.resolve("bundle-" + (++bundles)), List.of(args));
  }

  /** Create, start, wait and delete over one shared connection; returns the exit status. */
  public int run(String id, Path bundle, Path stdout) {
    TaskGrpc.TaskBlockingStub tasks = TaskGrpc.newBlockingStub(shared()).withDeadlineAfter(60, TimeUnit.SECONDS);
    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).setStdout(stdout.toString()).build());
    tasks.start(StartRequest.newBuilder().setId(id).build());
    WaitResponse exit = tasks.wait(WaitRequest.newBuilder().setId(id).build());
    tasks.delete(DeleteRequest.newBuilder().setId(id).build());
    return exit.getExitStatus();
  }

  /** Like {@link #run(String, Path, Path)}, with the workload's stderr to {@code stderr} too. */
  public int run(String id, Path bundle, Path stdout, Path stderr) {
    TaskGrpc.TaskBlockingStub tasks = TaskGrpc.newBlockingStub(shared()).withDeadlineAfter(60, TimeUnit.SECONDS);
    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).setStdout(stdout.toString())
        .setStderr(stderr.toString()).build());
    tasks.start(StartRequest.newBuilder().setId(id).build());
    WaitResponse exit = tasks.wait(WaitRequest.newBuilder().setId(id).build());
    tasks.delete(DeleteRequest.newBuilder().setId(id).build());
    return exit.getExitStatus();
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    daemon.close();
  }

  /** Writes an OCI config.json. */
  public static final class BundleBuilder {
    private final Path dir;
    private final ObjectNode config = JSON.createObjectNode();
    private final ArrayNode namespaces;

    public BundleBuilder(Path dir, List<String> args) {
      this.dir = dir;
      config.put("ociVersion", "1.0.2");
      ObjectNode process = config.putObject("process");
      ArrayNode argv = process.putArray("args");
      args.forEach(argv::add);
      process.putArray("env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
      process.put("cwd", "/");
      namespaces = config.putObject("linux").putArray("namespaces");
    }

    public BundleBuilder namespaces(String... types) {
      for (String type : types) {
        namespaces.addObject().put("type", type);
      }
      return this;
    }

    /** Edits the config directly, for fields without a helper method. */
    public BundleBuilder customize(java.util.function.Consumer<ObjectNode> edit) {
      edit.accept(config);
      return this;
    }

    public BundleBuilder hostname(String name) {
      config.put("hostname", name);
      return this;
    }

    public BundleBuilder user(int uid, int gid) {
      ObjectNode user = ((ObjectNode) config.get("process")).putObject("user");
      user.put("uid", uid);
      user.put("gid", gid);
      return this;
    }

    /** A root filesystem holding only the static test workload as /bin/jshim-testbin. */
    public BundleBuilder testRootfs() throws IOException {
      Path rootfs = dir.resolve("rootfs");
      Files.createDirectories(rootfs.resolve("bin"));
      Files.createDirectories(rootfs.resolve("proc"));
      Files.copy(Privileged.testbin(), rootfs.resolve("bin/jshim-testbin"));
      config.putObject("root").put("path", "rootfs");
      return this;
    }

    public Path write() throws IOException {
      Files.createDirectories(dir);
      JSON.writeValue(dir.resolve("config.json").toFile(), config);
      return dir;
    }
  }
}
