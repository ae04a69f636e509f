package io.jshim.daemon;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.jshim.proto.task.v2.ConnectRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Run in a separate process under another uid: calls Connect and prints the status code it got. */
public final class PeerProbe {
  private PeerProbe() {}

  public static void main(String[] args) throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilder("unix://" + args[0], InsecureChannelCredentials.create()).build();
    try {
      TaskGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS).connect(ConnectRequest.getDefaultInstance());
      System.out.println("OK");
    } catch (RuntimeException e) {
      Status status = Status.fromThrowable(e);
      System.out.println(status.getCode() + " " + status.getDescription());
    } finally {
      channel.shutdownNow();
    }
  }

  /** Loosens the modes of {@code socket} and its directories up to {@code dir}, so that any uid can connect at all. */
  public static void openToEveryone(Path socket, Path dir) throws IOException {
    for (Path p = socket.getParent(); p != null && p.startsWith(dir.getParent()); p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  /**
   * Runs this probe under {@code uid} (with {@code setpriv}) against {@code socket}, with a copy of the test
   * classpath under {@code dir} that uid can read; returns its answer, {@code OK} or {@code CODE description}.
   */
  public static String runAs(int uid, Path socket, Path dir) throws Exception {
    Path cp = Files.createDirectories(dir.resolve("cp"));
    List<String> entries = new ArrayList<>();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    int n = 0;
    for (String entry : classpath.split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (!Files.exists(source)) {
        continue;
      }
      Path target = cp.resolve((n++) + "-" + source.getFileName());
      copyTree(source, target);
      entries.add(target.toString());
    }
    for (Path p = cp; p != null && p.startsWith(dir.getParent()); p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    // test code may use ProcessBuilder: a daemon under test in this JVM reaps this child too, so only its
    // output is trusted, never its exit code
    // netty unpacks its epoll library into the temp dir, which must be writable by that uid
    Path tmp = Files.createDirectories(dir.resolve("probe-tmp"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
    Process probe = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.io.tmpdir=" + tmp, "-cp", String.join(File.pathSeparator, entries),
        PeerProbe.class.getName(), socket.toString())
        .redirectErrorStream(true)
        .start();
    byte[] out = probe.getInputStream().readAllBytes();
    probe.waitFor(30, TimeUnit.SECONDS);
    String text = new String(out, StandardCharsets.UTF_8).trim();
    return text.lines().filter(l -> l.equals("OK") || l.matches("[A-Z_]+ .*")).reduce((a, b) -> b).orElse(text);
  }

  private static void copyTree(Path source, Path target) throws IOException {
    try (var walk = Files.walk(source)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }
}
