package io.jshim.daemon.sys;

import jnr.ffi.Pointer;

/** libc calls that jnr-posix does not bind. Loaded through jnr-ffi by {@link JnrPosix}. */
public interface LinuxLibC {
  int PR_SET_CHILD_SUBREAPER = 36;
  int PR_GET_CHILD_SUBREAPER = 37;
  int F_DUPFD_CLOEXEC = 1030;
  int AF_UNIX = 1;
  int SOCK_STREAM = 1;
  int SOCK_CLOEXEC = 02000000;
  int O_CLOEXEC = 02000000;
  int P_ALL = 0;
  int WNOHANG = 1;
  int WEXITED = 4;
  int WNOWAIT = 0x01000000;
  short POLLIN = 0x1;
  /** sizeof(siginfo_t) on Linux. */
  int SIGINFO_SIZE = 128;
  /** offsetof(siginfo_t, si_pid) on 64-bit Linux. */
  int SIGINFO_PID_OFFSET = 16;

  int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  int prctl(int option, Pointer arg2, long arg3, long arg4, long arg5);

  int fcntl(int fd, int cmd, int arg);

  int socketpair(int domain, int type, int protocol, int[] sv);

  int waitid(int idtype, int id, Pointer infop, int options);

  int poll(Pointer fds, long nfds, int timeout);
}
