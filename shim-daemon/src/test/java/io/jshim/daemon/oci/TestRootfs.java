package io.jshim.daemon.oci;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jshim.daemon.Privileged;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A small root file system for the OCI conformance tests: the static busybox of Debian's
 * {@code busybox-static} with the applets the tests use, the static test workload as
 * {@code /bin/jshim-testbin}, minimal {@code /etc/passwd} and {@code /etc/group}, and {@code /report.sh},
 * which prints what a container sees in a form two runtimes can be compared by line.
 *
 * <p>The template is built once per test JVM under {@code target/oci-rootfs}; every bundle gets its own
 * {@link #copyTo copy}, because a runtime may create mount points in the root it runs, and the second
 * runtime must not profit from what the first one created.
 */
final class TestRootfs {
  /** Where Debian's busybox-static installs its binary. */
  static final Path BUSYBOX = Path.of("/bin/busybox");
  /** The applets linked to busybox in /bin; ulimit and umask are builtins of its sh. */
  static final List<String> APPLETS = List.of("sh", "id", "hostname", "cat", "ls", "stat", "sleep", "head", "tail", "awk",
      "sed", "sort", "grep", "tr", "wc", "kill", "env", "df", "touch", "mkdir", "readlink", "true", "false",
      "uname", "ionice");

  /**
   * The inside view, one section per {@code == name} line. Everything it prints is stable between two runs
   * of the same bundle: no timestamps, sizes of directories, mount ids or device numbers of file systems.
   * Arguments add sections: {@code writes} (what the process may write), {@code mnt} (the mounts the
   * mounts variant adds), {@code cgroup} (its cgroups and their limits).
   */
  static final String REPORT = """
      #!/bin/sh
      # the inside view of a container, normalized so that two runtimes can be compared line by line
      echo "== id"
      id
      echo "== hostname"
      hostname
      echo "== pid"
      echo $$
      echo "== cwd"
      pwd
      echo "== umask"
      umask
      echo "== env"
      env | sort
      echo "== status"
      # read by the shell itself: a child (grep) would show the capabilities execve gave the child
      while IFS= read -r line; do
        case $line in Cap*|NoNewPrivs*|Seccomp*) echo "$line" ;; esac
      done < /proc/$$/status
      echo "== ulimit"
      ulimit -a
      echo "== mounts"
      # mount point, file system type, and the per-mount flags ro/rw, nosuid, nodev, noexec; sorted
      awk '{
        for (i = 7; $i != "-"; i++) ;
        n = split($6, o, ","); flags = o[1];
        for (j = 2; j <= n; j++) if (o[j] == "nosuid" || o[j] == "nodev" || o[j] == "noexec") flags = flags "," o[j];
        print $5, $(i + 1), flags
      }' /proc/$$/mountinfo | sort
      echo "== dev"
      # name (and link target), mode, owner, major:minor in hex; no timestamps, no sizes
      for f in /dev/* /dev/.[!.]*; do
        [ -e "$f" ] || [ -L "$f" ] || continue
        stat -c '%N %A %u:%g %t:%T' "$f"
      done
      # busybox's test -w does not ask the kernel (root passes it even on a read-only mount): try it instead,
      # without changing anything: a directory gets an entry made and removed, a file is opened for append
      # and closed unwritten (so nothing reaches /proc/sysrq-trigger); the kernel's reason is printed
      dir_writable() {
        if err=$(mkdir "$1/.report-probe" 2>&1); then rmdir "$1/.report-probe"; echo "$1 writable"; else echo "$1 not writable: ${err##*: }"; fi
      }
      file_writable() {
        if err=$( (: >> "$1") 2>&1); then echo "$1 writable"; else echo "$1 not writable: ${err##*: }"; fi
      }
      for section in "$@"; do
        case $section in
          writes)
            echo "== writes"
            for d in / /tmp /proc /sys /sys/fs/cgroup /dev /dev/shm /dev/mqueue; do
              dir_writable "$d"
            done
            for f in /etc/passwd /dev/null /proc/sysrq-trigger /proc/sys/kernel/domainname /proc/keys /sys/kernel/uevent_helper; do
              file_writable "$f"
            done
            echo "== masked"
            for f in /proc/keys /proc/timer_list /proc/kcore /proc/latency_stats /proc/timer_stats /proc/sched_debug; do
              if [ -e "$f" ]; then echo "$f $(wc -c < "$f" 2>&1)"; else echo "$f absent"; fi
            done
            for d in /proc/acpi /proc/asound /proc/scsi /sys/firmware; do
              if [ -d "$d" ]; then echo "$d $(ls -A "$d" | wc -l) entries"; else echo "$d absent"; fi
            done
            ;;
          mnt)
            echo "== mnt"
            stat -c '%n %A %u:%g' /mnt /mnt/host /mnt/scratch
            ls -A /mnt/host
            cat /mnt/host/hello.txt
            dir_writable /mnt/host
            dir_writable /mnt/scratch
            df -k /mnt/scratch | awk 'NR == 2 { print "/mnt/scratch size", $2 }'
            ;;
          cgroup)
            echo "== cgroup"
            cat /proc/$$/cgroup
            if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
              # cgroup v2: the own cgroup under the mount (the whole hierarchy without a cgroup namespace)
              own=$(sed -n 's/^0:://p' /proc/$$/cgroup)
              dir=/sys/fs/cgroup$own
              [ -d "$dir" ] || dir=/sys/fs/cgroup
              echo "dir $dir"
              for f in memory.max memory.low memory.high memory.swap.max cpu.weight cpu.max cpuset.cpus cpuset.mems pids.max \\
                  io.weight io.bfq.weight io.max hugetlb.2MB.max; do
                echo "$f $(cat "$dir/$f" 2>&1 | tr '\\n' ' ')"
              done
              # the device filter (an eBPF program, nothing to read): opens of nodes the config adds
              for d in /dev/null /dev/kmsg /dev/fuse; do
                if [ -e "$d" ]; then
                  if err=$( (: < "$d") 2>&1); then echo "$d opens"; else echo "$d does not open: ${err##*: }"; fi
                fi
              done
              continue
            fi
            for f in memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes pids/pids.max cpu/cpu.shares; do
              echo "$f $(cat /sys/fs/cgroup/$f 2>&1)"
            done
            echo "devices.list:"
            sort /sys/fs/cgroup/devices/devices.list
            ;;
          *)
            echo "report.sh: unknown section $section" >&2
            exit 2
            ;;
        esac
      done
      """;

  private static final Path TEMPLATE = Path.of("target", "oci-rootfs").toAbsolutePath();
  private static boolean built;

  private TestRootfs() {}

  /** Skips the calling test unless busybox-static is installed (a dynamic busybox cannot run in this root). */
  static void assumeBusybox() {
    assumeTrue(Files.isRegularFile(BUSYBOX), "needs " + BUSYBOX + " (Debian: apt-get install busybox-static)");
    assumeTrue(isStatic(BUSYBOX), BUSYBOX + " is linked dynamically: it cannot run in the test root (install busybox-static)");
  }

  /** The template, built on first use in this JVM. */
  static synchronized Path template() throws IOException {
    if (!built) {
      deleteTree(TEMPLATE);
      build(TEMPLATE);
      built = true;
    }
    return TEMPLATE;
  }

  /** A fresh copy of the template at {@code target} (which must not exist). */
  static Path copyTo(Path target) throws IOException {
    Path source = template();
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path from : (Iterable<Path>) walk::iterator) {
        Path to = target.resolve(source.relativize(from).toString());
        if (Files.isSymbolicLink(from)) {
          Files.createSymbolicLink(to, Files.readSymbolicLink(from));
        } else if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(to);
          setMode(to, mode(from));
        } else {
          Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return target;
  }

  /** Changes the owner of every file under {@code root} (not following symbolic links), as a user namespace's root needs. */
  static void chownTree(Path root, int uid, int gid) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  /** Sets all twelve permission bits (the sticky bit too, which PosixFilePermission cannot express). */
  static void setMode(Path path, int mode) throws IOException {
    Files.setAttribute(path, "unix:mode", mode);
  }

  static int mode(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void build(Path root) throws IOException {
    Files.createDirectories(root);
    setMode(root, 0755);
    for (String dir : List.of("bin", "proc", "sys", "dev", "etc", "root", "home", "home/user")) {
      setMode(Files.createDirectories(root.resolve(dir)), 0755);
    }
    setMode(Files.createDirectories(root.resolve("tmp")), 01777);
    Files.copy(BUSYBOX, root.resolve("bin/busybox"));
    setMode(root.resolve("bin/busybox"), 0755);
    for (String applet : APPLETS) {
      Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
    }
    Files.copy(Privileged.testbin(), root.resolve("bin/jshim-testbin"));
    setMode(root.resolve("bin/jshim-testbin"), 0755);
    write(root.resolve("etc/passwd"), """
        root:x:0:0:root:/root:/bin/sh
        user:x:1000:1000:user:/home/user:/bin/sh
        nobody:x:65534:65534:nobody:/nonexistent:/bin/false
        """, 0644);
    write(root.resolve("etc/group"), """
        root:x:0:
        tty:x:5:
        wheel:x:10:user
        user:x:1000:
        extra:x:1001:user
        nogroup:x:65534:
        """, 0644);
    write(root.resolve("report.sh"), REPORT, 0755);
  }

  private static void write(Path file, String text, int mode) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    setMode(file, mode);
  }

  /** Whether an ELF binary has no program interpreter (the dynamic loader's path would be in its PT_INTERP). */
  private static boolean isStatic(Path binary) {
    try {
      String bytes = new String(Files.readAllBytes(binary), StandardCharsets.ISO_8859_1);
      return bytes.startsWith("\u007fELF") && !bytes.contains("/lib64/ld-linux") && !bytes.contains("/lib/ld-linux");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
