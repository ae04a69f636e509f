# Builds jshim and runs the daemon. The daemon creates namespaces and mounts for its containers, so
# the container needs: --privileged (or at least CAP_SYS_ADMIN, CAP_SYS_CHROOT, CAP_SETUID, CAP_SETGID,
# CAP_KILL and an unconfined seccomp/AppArmor profile), and a volume for the socket directory, e.g.
#   docker build -t jshim . && docker run --privileged -v /run/jshim:/run/jshim jshim

FROM maven:3.9-eclipse-temurin-17 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc make libc6-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN mvn -B -DskipTests install

FROM eclipse-temurin:17-jre
WORKDIR /opt/jshim
COPY --from=build /src/bin/jshim-daemon bin/jshim-daemon
COPY --from=build /src/shim-daemon/target/lib shim-daemon/target/lib
COPY --from=build /src/shim-daemon/target/jshim-daemon-*.jar shim-daemon/target/
COPY --from=build /src/native/target/native/jshim-spawn native/target/native/jshim-spawn
VOLUME /run/jshim
ENTRYPOINT ["/opt/jshim/bin/jshim-daemon", "--socket", "/run/jshim/jshim.sock", "--state-dir", "/run/jshim/state"]
