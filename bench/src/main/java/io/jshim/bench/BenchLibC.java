package io.jshim.bench;

import jnr.ffi.annotations.Out;

/** The libc calls the benchmark binds itself through jnr-ffi (jnr-posix has no pipe2 or memfd_create). */
public interface BenchLibC {
  int O_RDWR = 02;
  int O_CLOEXEC = 02000000;
  int F_SETFD = 2;
  int FD_CLOEXEC = 1;
  int F_DUPFD_CLOEXEC = 1030;
  int MFD_CLOEXEC = 1;
  int AF_UNIX = 1;
  int SOCK_STREAM = 1;
  int SOCK_CLOEXEC = 02000000;

  /** Creates a pipe whose ends are inheritable until someone marks them: the racy two-step. */
  int pipe(@Out int[] fds);

  /** Creates a pipe with the given flags atomically ({@link #O_CLOEXEC}: never inheritable). */
  int pipe2(@Out int[] fds, int flags);

  int fcntl(int fd, int cmd, int arg);

  int memfd_create(String name, int flags);

  int socketpair(int domain, int type, int protocol, @Out int[] sv);

  String gnu_get_libc_version();
}
