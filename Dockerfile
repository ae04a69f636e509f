# Builds jshim (Maven and gcc), then runs the daemon on a JRE:
#   docker build -t jshim .
#   docker run -d --name jshim --privileged -v /run/jshim:/run/jshim jshim
#   bin/jshimctl --socket /run/jshim/jshim.sock status
#
# Privileges: the daemon is a container runtime. It clones namespaces, mounts and pivot_roots, makes device
# nodes, sets uid/gid maps, rlimits and capabilities, and writes a cgroup per task under /sys/fs/cgroup. It
# needs root in the container, every capability it may hand to a container (CAP_SYS_ADMIN, CAP_MKNOD,
# CAP_SETUID, CAP_SETGID, CAP_SETPCAP, CAP_SYS_RESOURCE, CAP_KILL, ...), no seccomp filter and no AppArmor
# profile (Docker's defaults refuse mount, unshare and setns, and both are inherited by every container it
# starts) and a writable /sys/fs/cgroup: in practice --privileged.
# Paths in requests (bundles, rootfs mounts, stdio FIFOs, log files) are paths inside this container: mount
# them at the same paths on both sides. The containers live in this container's pid namespace, so they end
# when it stops (unlike under systemd/jshim.service, where they outlive the daemon).

# The same Ubuntu release in both stages: jshim-spawn links against the build stage's glibc.
FROM eclipse-temurin:17-jdk-noble AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends maven gcc make libc6-dev libseccomp-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# -DskipTests: the tests need root and namespaces, which a docker build does not give
RUN mvn -B -DskipTests install

FROM eclipse-temurin:17-jre-noble
# the layout bin/jshim-daemon expects below its parent directory: the daemon jar, its libraries and the
# spawn helper (the launcher would otherwise try to build them)
WORKDIR /opt/jshim
COPY --from=build /src/bin/jshim-daemon bin/jshim-daemon
COPY --from=build /src/shim-daemon/target/lib shim-daemon/target/lib
COPY --from=build /src/shim-daemon/target/jshim-daemon-*.jar shim-daemon/target/
COPY --from=build /src/native/target/native/jshim-spawn /src/native/target/native/jshim-exit-witness native/target/native/
# containerd's front end (static): containerd runs it from its PATH, and it launches /usr/local/bin/jshim-daemon;
# both are here for an image that adds containerd, or to copy out (docker cp) for a containerd on the host
COPY --from=build /src/native/target/native/containerd-shim-jshim-v2 /usr/local/bin/containerd-shim-jshim-v2
# its other names (runtime types io.containerd.jshim-node.v2 and io.containerd.jshim-pod.v2: the name picks the
# grouping); /var/log/jshim: the default --log-root, which must exist
RUN ln -s /opt/jshim/bin/jshim-daemon /usr/local/bin/jshim-daemon \
 && ln -s containerd-shim-jshim-v2 /usr/local/bin/containerd-shim-jshim-node-v2 \
 && ln -s containerd-shim-jshim-v2 /usr/local/bin/containerd-shim-jshim-pod-v2 \
 && mkdir -p -m 0750 /var/log/jshim
VOLUME /run/jshim
ENTRYPOINT ["/opt/jshim/bin/jshim-daemon", "--socket", "/run/jshim/jshim.sock", "--state-dir", "/run/jshim/state"]
