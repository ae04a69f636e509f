package io.jshim.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.spawn.Capability;
import io.jshim.daemon.spawn.CapabilitySets;
import io.jshim.daemon.spawn.Device;
import io.jshim.daemon.spawn.Filesystem;
import io.jshim.daemon.spawn.HookCommand;
import io.jshim.daemon.spawn.HookKind;
import io.jshim.daemon.spawn.IdMapping;
import io.jshim.daemon.spawn.LinuxSetup;
import io.jshim.daemon.spawn.Mount;
import io.jshim.daemon.spawn.MountOptions;
import io.jshim.daemon.spawn.Namespaces;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.spawn.ProcessOptions;
import io.jshim.daemon.spawn.Rlimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleReaderTest {
  @TempDir
  Path bundle;

  private final BundleReader reader = new BundleReader();

  @Test
  void read_fullConfig_parsesEveryField() throws IOException {
    Files.createDirectories(bundle.resolve("rootfs"));
    write("""
        {"ociVersion":"1.0.2",
         "process":{"args":["/bin/sh","-c","true"],"env":["A=1"],"cwd":"/tmp","user":{"uid":1000,"gid":100}},
         "hostname":"box","root":{"path":"rootfs"},
         "linux":{"namespaces":[{"type":"pid"},{"type":"uts"},{"type":"mount"},{"type":"network"},{"type":"ipc"}]}}
        """);

    BundleConfig config = reader.read(bundle);

    assertThat(config.process().args()).containsExactly("/bin/sh", "-c", "true");
    assertThat(config.process().env()).as("HOME from the rootfs's passwd, / without an entry").containsExactly("A=1", "HOME=/");
    assertThat(config.process().cwd()).isEqualTo("/tmp");
    assertThat(config.process().uid()).isEqualTo(1000);
    assertThat(config.process().gid()).isEqualTo(100);
    assertThat(config.hostname()).contains("box");
    assertThat(config.rootfs()).contains(bundle.resolve("rootfs").toString());
    assertThat(config.namespaces().created()).containsExactlyInAnyOrder(Namespace.PID, Namespace.UTS, Namespace.MOUNT, Namespace.NETWORK, Namespace.IPC);
    assertThat(config.notApplied()).isEmpty();
  }

  @Test
  void read_processOptions_parsedAndPassedOn() throws IOException {
    write("""
        {"process":{"args":["true"],"noNewPrivileges":true,"oomScoreAdj":-500,
           "user":{"uid":1,"gid":1,"umask":18,"additionalGids":[10,20]},
           "rlimits":[{"type":"RLIMIT_NOFILE","soft":1024,"hard":4096},
                      {"type":"RLIMIT_CORE","soft":18446744073709551615,"hard":18446744073709551615}]}}
        """);

    ProcessOptions options = reader.read(bundle).process().options();

    assertThat(options.noNewPrivileges()).isTrue();
    assertThat(options.oomScoreAdj()).hasValue(-500);
    assertThat(options.umask()).hasValue(022);
    assertThat(options.additionalGids()).containsExactly(10, 20);
    assertThat(options.rlimits()).containsExactly(new Rlimit("RLIMIT_NOFILE", 1024, 4096), new Rlimit("RLIMIT_CORE", -1L, -1L));
  }

  @Test
  void read_badProcessOptions_nameTheField() throws IOException {
    assertRejected("{\"process\":{\"args\":[\"x\"],\"rlimits\":[{\"type\":\"RLIMIT_BOGUS\",\"soft\":1,\"hard\":1}]}}", ErrorKind.INVALID_ARGUMENT, "process.rlimits type");
    assertRejected("{\"process\":{\"args\":[\"x\"],\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":9,\"hard\":1}]}}", ErrorKind.INVALID_ARGUMENT, "soft 9 is above hard 1");
    assertRejected("{\"process\":{\"args\":[\"x\"],\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":-1,\"hard\":1}]}}", ErrorKind.INVALID_ARGUMENT, "soft");
    assertRejected("{\"process\":{\"args\":[\"x\"],\"user\":{\"umask\":512}}}", ErrorKind.INVALID_ARGUMENT, "process.user.umask");
    assertRejected("{\"process\":{\"args\":[\"x\"],\"oomScoreAdj\":1001}}", ErrorKind.INVALID_ARGUMENT, "process.oomScoreAdj");
    assertRejected("{\"process\":{\"args\":[\"x\"],\"user\":{\"additionalGids\":[-3]}}}", ErrorKind.INVALID_ARGUMENT, "process.user.additionalGids");
    assertRejected("{\"process\":{\"args\":[\"x\"],\"noNewPrivileges\":\"yes\"}}", ErrorKind.INVALID_ARGUMENT, "process.noNewPrivileges");
  }

  @Test
  void read_capabilities_setsParsedMissingSetsEmpty() throws IOException {
    write("""
        {"process":{"args":["true"],"capabilities":{"bounding":["CAP_KILL","CAP_CHOWN"],"effective":["CAP_KILL"]}}}
        """);

    CapabilitySets caps = reader.read(bundle).process().options().capabilities().orElseThrow();

    assertThat(caps.bounding()).containsExactlyInAnyOrder(Capability.CAP_KILL, Capability.CAP_CHOWN);
    assertThat(caps.effective()).containsExactly(Capability.CAP_KILL);
    assertThat(caps.permitted()).isEmpty();
    assertThat(caps.ambient()).isEmpty();
    assertThat(Capability.CAP_KILL.ordinal()).as("kernel number").isEqualTo(5);
    assertThat(Capability.CAP_CHECKPOINT_RESTORE.ordinal()).isEqualTo(40);
  }

  @Test
  void read_noCapabilitiesObject_keepsTheDaemonsCapabilities() throws IOException {
    write("{\"process\":{\"args\":[\"true\"]}}");

    assertThat(reader.read(bundle).process().options().capabilities()).isEmpty();
  }

  @Test
  void read_unknownCapability_invalidArgumentNamingIt() throws IOException {
    assertRejected("{\"process\":{\"args\":[\"x\"],\"capabilities\":{\"ambient\":[\"CAP_FLY\"]}}}",
        ErrorKind.INVALID_ARGUMENT, "process.capabilities.ambient: \"CAP_FLY\"");
  }

  @Test
  void read_sysctlAndPaths_parsedWhenTheirNamespacesExist() throws IOException {
    write("""
        {"process":{"args":["true"]},
         "linux":{"namespaces":[{"type":"network"},{"type":"ipc"},{"type":"mount"}],
                  "sysctl":{"net.ipv4.ip_forward":"1","kernel.shmmax":"65536","fs.mqueue.msg_max":"20"},
                  "maskedPaths":["/proc/kcore"],"readonlyPaths":["/proc/sys"]}}
        """);

    LinuxSetup linux = reader.read(bundle).linux();

    assertThat(linux.sysctl()).containsEntry("net.ipv4.ip_forward", "1").containsEntry("kernel.shmmax", "65536").hasSize(3);
    assertThat(linux.maskedPaths()).containsExactly("/proc/kcore");
    assertThat(linux.readonlyPaths()).containsExactly("/proc/sys");
  }

  @Test
  void read_sysctlOrPathsThatWouldTouchTheHost_invalidArgument() throws IOException {
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"linux\":{\"namespaces\":[{\"type\":\"ipc\"}],\"sysctl\":{\"vm.swappiness\":\"1\"}}}",
        ErrorKind.INVALID_ARGUMENT, "not a namespaced kernel parameter");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"linux\":{\"namespaces\":[{\"type\":\"ipc\"}],\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}}",
        ErrorKind.INVALID_ARGUMENT, "needs a new network namespace");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"linux\":{\"namespaces\":[{\"type\":\"network\"}],\"sysctl\":{\"net/../x\":\"1\"}}}",
        ErrorKind.INVALID_ARGUMENT, "linux.sysctl key");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"linux\":{\"maskedPaths\":[\"/proc/kcore\"]}}",
        ErrorKind.INVALID_ARGUMENT, "needs a new mount namespace");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"readonlyPaths\":[\"proc\"]}}",
        ErrorKind.INVALID_ARGUMENT, "linux.readonlyPaths");
  }

  @Test
  void read_readonlyRoot_needsAMountNamespace() throws IOException {
    Files.createDirectories(bundle.resolve("rootfs"));
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"root\":{\"path\":\"rootfs\",\"readonly\":true}}",
        ErrorKind.INVALID_ARGUMENT, "root.readonly");
    write("{\"process\":{\"args\":[\"x\"]},\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
        + "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}");

    assertThat(reader.read(bundle).linux().readonlyRoot()).isTrue();
  }

  @Test
  void read_fieldsNotAppliedYet_listedNotDropped() throws IOException {
    write("""
        {"process":{"args":["true"],"noNewPrivileges":true,"capabilities":{"bounding":["CAP_KILL"]},"rlimits":[]},
         "linux":{"intelRdt":{"closID":"x"},"resources":{},"namespaces":[{"type":"pid"}]}}
        """);

    BundleConfig config = reader.read(bundle);

    assertThat(config.notApplied()).containsExactly("linux.intelRdt");
  }

  @Test
  void read_seccomp_appliedNotListed() throws IOException {
    write("""
        {"process":{"args":["true"]},
         "linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}}}
        """);

    BundleConfig config = reader.read(bundle);

    assertThat(config.notApplied()).isEmpty();
    assertThat(config.seccomp()).map(s -> s.helperArgument()).contains("default allow;syscall errno:1 mkdir");
  }

  @Test
  void read_minimalConfig_defaultsToRootInSlashOnTheHostFs() throws IOException {
    write("{\"process\":{\"args\":[\"true\"]}}");

    BundleConfig config = reader.read(bundle);

    assertThat(config.process().cwd()).isEqualTo("/");
    assertThat(config.process().uid()).isZero();
    assertThat(config.rootfs()).isEmpty();
    assertThat(config.namespaces().created()).isEmpty();
    assertThat(config.filesystem().mounts()).isEmpty();
    assertThat(config.filesystem().devices()).isEmpty();
  }

  @Test
  void read_errors_nameTheBadField() throws IOException {
    assertRejected("{}", ErrorKind.INVALID_ARGUMENT, "process");
    assertRejected("{\"process\":{\"args\":[]}}", ErrorKind.INVALID_ARGUMENT, "process.args");
    assertRejected("{\"process\":{\"args\":[1]}}", ErrorKind.INVALID_ARGUMENT, "process.args");
    assertRejected("{\"process\":{\"args\":[\"x\"],\"cwd\":\"rel\"}}", ErrorKind.INVALID_ARGUMENT, "process.cwd");
    assertRejected("{\"process\":{\"args\":[\"x\"],\"user\":{\"uid\":-1}}}", ErrorKind.INVALID_ARGUMENT, "process.user.uid");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"linux\":{\"namespaces\":[{\"type\":\"clock\"}]}}", ErrorKind.INVALID_ARGUMENT, "linux.namespaces");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}}", ErrorKind.INVALID_ARGUMENT, "linux.uidMappings");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/x\"}]}}", ErrorKind.INVALID_ARGUMENT, "linux.namespaces network path");
    assertRejected("{\"process\":{\"args\":[\"x\"],\"user\":{\"uid\":\"0\"}}}", ErrorKind.INVALID_ARGUMENT, "process.user.uid");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\"}]}", ErrorKind.INVALID_ARGUMENT, "mounts need a root filesystem");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"hostname\":\"h\"}", ErrorKind.INVALID_ARGUMENT, "hostname");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"root\":{\"path\":\"missing\"}}", ErrorKind.INVALID_ARGUMENT, "root.path");
    assertRejected("not json", ErrorKind.INVALID_ARGUMENT, "config.json");
  }

  @Test
  void read_runcStyleMounts_translatedToKernelFlagsWithDefaultDevices() throws IOException {
    Files.createDirectories(bundle.resolve("rootfs"));
    Files.createDirectories(bundle.resolve("shared"));
    write("""
        {"process":{"args":["true"]},"root":{"path":"rootfs"},
         "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
                   {"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","strictatime","mode=755","size=65536k"]},
                   {"destination":"/data","type":"bind","source":"shared","options":["rbind","ro","rslave"]},
                   {"destination":"sys","type":"sysfs","source":"sysfs","options":["nosuid","noexec","nodev","ro"]}],
         "linux":{"namespaces":[{"type":"mount"}],"rootfsPropagation":"rslave",
                  "devices":[{"type":"c","path":"/dev/fuse","major":10,"minor":229,"fileMode":384,"uid":0,"gid":0}]}}
        """);

    Filesystem fs = reader.read(bundle).filesystem();

    assertThat(fs.mounts()).containsExactly(
        new Mount("proc", "proc", "/proc", 0, 0, ""),
        new Mount("tmpfs", "tmpfs", "/dev", MountOptions.MS_NOSUID | MountOptions.MS_STRICTATIME, 0, "mode=755,size=65536k"),
        new Mount("", bundle.resolve("shared").toString(), "/data", MountOptions.MS_BIND | MountOptions.MS_REC | MountOptions.MS_RDONLY,
            MountOptions.MS_SLAVE | MountOptions.MS_REC, ""),
        new Mount("sysfs", "sysfs", "/sys", MountOptions.MS_NOSUID | MountOptions.MS_NOEXEC | MountOptions.MS_NODEV | MountOptions.MS_RDONLY, 0, ""));
    assertThat(fs.devices()).extracting(Device::path)
        .containsExactly("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/fuse");
    assertThat(fs.devices().get(6)).isEqualTo(new Device("/dev/fuse", 'c', 10, 229, 0600, 0, 0));
    assertThat(fs.devLinks()).isTrue();
    assertThat(fs.rootPropagation()).hasValue(MountOptions.MS_SLAVE | MountOptions.MS_REC);
  }

  @Test
  void read_bindMountOverDev_noDefaultDevicesOrLinks() throws IOException {
    Files.createDirectories(bundle.resolve("rootfs"));
    write("""
        {"process":{"args":["true"]},"root":{"path":"rootfs"},
         "mounts":[{"destination":"/dev","type":"bind","source":"/dev","options":["rbind"]}],
         "linux":{"namespaces":[{"type":"mount"}]}}
        """);

    Filesystem fs = reader.read(bundle).filesystem();

    assertThat(fs.devices()).isEmpty();
    assertThat(fs.devLinks()).isFalse();
  }

  @Test
  void read_badMountsAndDevices_nameTheField() throws IOException {
    Files.createDirectories(bundle.resolve("rootfs"));
    String head = "{\"process\":{\"args\":[\"x\"]},\"root\":{\"path\":\"rootfs\"},\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]";
    assertRejected(head + "},\"mounts\":[{\"type\":\"tmpfs\"}]}", ErrorKind.INVALID_ARGUMENT, "mounts[0].destination");
    assertRejected(head + "},\"mounts\":[{\"destination\":\"/x\",\"options\":[\"tmpcopyup\"],\"type\":\"tmpfs\"}]}",
        ErrorKind.INVALID_ARGUMENT, "mounts[0].options: option \"tmpcopyup\"");
    assertRejected(head + "},\"mounts\":[{\"destination\":\"/x\",\"options\":[\"bind\"],\"source\":\"nope\"}]}",
        ErrorKind.INVALID_ARGUMENT, "mounts[0].source");
    assertRejected(head + ",\"devices\":[{\"type\":\"x\",\"path\":\"/dev/x\"}]}}", ErrorKind.INVALID_ARGUMENT, "linux.devices[0].type");
    assertRejected(head + ",\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\"}]}}", ErrorKind.INVALID_ARGUMENT, "linux.devices[0].major");
    assertRejected(head + ",\"rootfsPropagation\":\"sideways\"}}", ErrorKind.INVALID_ARGUMENT, "linux.rootfsPropagation");
    assertRejected(head + ",\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\",\"major\":\"1\"}]}}", ErrorKind.INVALID_ARGUMENT,
        "linux.devices[0].major");
  }

  @Test
  void read_userNamespaceAndJoinedNamespaces_mappingsAndPathsPassedOn() throws IOException {
    write("""
        {"process":{"args":["true"]},
         "linux":{"namespaces":[{"type":"user"},{"type":"pid"},{"type":"network","path":"/proc/self/ns/net"}],
                  "uidMappings":[{"containerID":0,"hostID":100000,"size":65536}],
                  "gidMappings":[{"containerID":0,"hostID":200000,"size":1000}]}}
        """);

    Namespaces ns = reader.read(bundle).namespaces();

    assertThat(ns.created()).containsExactlyInAnyOrder(Namespace.USER, Namespace.PID);
    assertThat(ns.joined()).containsExactly(Map.entry(Namespace.NETWORK, "/proc/self/ns/net"));
    assertThat(ns.uidMappings()).containsExactly(new IdMapping(0, 100000, 65536));
    assertThat(ns.gidMappings()).containsExactly(new IdMapping(0, 200000, 1000));
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}}",
        ErrorKind.INVALID_ARGUMENT, "without a new user namespace");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"linux\":{\"namespaces\":[{\"type\":\"user\"}],"
        + "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":0}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}}",
        ErrorKind.INVALID_ARGUMENT, "linux.uidMappings");
  }

  @Test
  void read_symlinkedConfigJson_invalidArgument() throws IOException {
    Path real = Files.writeString(bundle.resolve("real.json"), "{\"process\":{\"args\":[\"true\"]}}");
    Files.createSymbolicLink(bundle.resolve("config.json"), real);

    assertThatThrownBy(() -> reader.read(bundle)).isInstanceOfSatisfying(ShimException.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains("symbolic link");
    });
  }

  @Test
  void read_noHomeInEnv_homeFromTheRootfsPasswdLikeRunc() throws IOException {
    Files.createDirectories(bundle.resolve("rootfs/etc"));
    Files.writeString(bundle.resolve("rootfs/etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
    write("{\"process\":{\"args\":[\"true\"],\"user\":{\"uid\":1000,\"gid\":1000}},\"root\":{\"path\":\"rootfs\"}}");

    assertThat(reader.read(bundle).process().env()).containsExactly("HOME=/home/alice");

    write("{\"process\":{\"args\":[\"true\"],\"env\":[\"HOME=/x\"]},\"root\":{\"path\":\"rootfs\"}}");
    assertThat(reader.read(bundle).process().env()).containsExactly("HOME=/x");
  }

  @Test
  void read_ambientOutsideInheritable_droppedLikeRunc() throws IOException {
    write("""
        {"process":{"args":["true"],"capabilities":{"bounding":["CAP_KILL","CAP_CHOWN"],"permitted":["CAP_KILL","CAP_CHOWN"],
           "inheritable":["CAP_CHOWN"],"ambient":["CAP_KILL","CAP_CHOWN"]}}}
        """);

    assertThat(reader.read(bundle).process().options().capabilities().orElseThrow().ambient()).containsExactly(Capability.CAP_CHOWN);
  }

  @Test
  void read_noConfigJson_invalidArgument() {
    assertThatThrownBy(() -> reader.read(bundle)).isInstanceOfSatisfying(ShimException.class,
        e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
  }

  @Test
  void read_hooks_everyKindInOrderWithArgsEnvAndTimeout() throws IOException {
    write("""
        {"process":{"args":["true"]},"hooks":{
          "prestart":[{"path":"/bin/a","args":["a0","x"],"env":["K=V"],"timeout":5},{"path":"/bin/b"}],
          "poststop":[{"path":"/bin/c"}],"unknownKind":[{"path":"relative"}]}}
        """);

    BundleConfig config = reader.read(bundle);

    assertThat(config.notApplied()).isEmpty();
    assertThat(config.hooks().of(HookKind.PRESTART)).extracting(h -> h.path())
        .containsExactly("/bin/a", "/bin/b");
    HookCommand first = config.hooks().of(HookKind.PRESTART).get(0);
    assertThat(first.args()).containsExactly("a0", "x");
    assertThat(first.env()).containsExactly("K=V");
    assertThat(first.timeoutSeconds()).hasValue(5);
    assertThat(config.hooks().of(HookKind.POSTSTOP)).hasSize(1);
    assertThat(config.hooks().stopsForRuntimeHooks()).isTrue();
  }

  @Test
  void read_badHooks_refusedNamingTheField() throws IOException {
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"hooks\":[]}", ErrorKind.INVALID_ARGUMENT, "hooks");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"hooks\":{\"prestart\":{}}}", ErrorKind.INVALID_ARGUMENT,
        "hooks.prestart");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"hooks\":{\"prestart\":[{\"path\":\"bin/x\"}]}}",
        ErrorKind.INVALID_ARGUMENT, "hooks.prestart[0].path");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"hooks\":{\"poststop\":[{\"args\":[\"x\"]}]}}",
        ErrorKind.INVALID_ARGUMENT, "hooks.poststop[0].path");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"hooks\":{\"poststart\":[{\"path\":\"/x\",\"timeout\":0}]}}",
        ErrorKind.INVALID_ARGUMENT, "hooks.poststart[0].timeout");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"hooks\":{\"poststart\":[{\"path\":\"/x\",\"timeout\":-3}]}}",
        ErrorKind.INVALID_ARGUMENT, "hooks.poststart[0].timeout");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"hooks\":{\"createRuntime\":[{\"path\":\"/x\",\"env\":[1]}]}}",
        ErrorKind.INVALID_ARGUMENT, "hooks.createRuntime[0].env");
    assertRejected("{\"process\":{\"args\":[\"x\"]},\"hooks\":{\"createContainer\":[{\"path\":\"/x\",\"args\":\"a\"}]}}",
        ErrorKind.INVALID_ARGUMENT, "hooks.createContainer[0].args");
  }

  private void assertRejected(String json, ErrorKind kind, String field) throws IOException {
    write(json);
    assertThatThrownBy(() -> reader.read(bundle)).isInstanceOfSatisfying(ShimException.class, e -> {
      assertThat(e.kind()).isEqualTo(kind);
      assertThat(e.getMessage()).contains(field);
    });
  }

  private void write(String json) throws IOException {
    Files.writeString(bundle.resolve("config.json"), json);
  }
}
