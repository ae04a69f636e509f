package io.jshim.daemon.sys;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/** libc calls that jnr-posix does not bind. Loaded through jnr-ffi by {@link JnrPosix}. */
public interface LinuxLibC {
  int PR_SET_CHILD_SUBREAPER = 36;
  int PR_GET_CHILD_SUBREAPER = 37;
  int F_DUPFD_CLOEXEC = 1030;
  int AF_UNIX = 1;
  int SOCK_STREAM = 1;
  int SOCK_DGRAM = 2;
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
  int F_GETFL = 3;
  int F_SETFL = 4;
  int O_NONBLOCK = 04000;
  int EPOLL_CLOEXEC = 02000000;
  int EPOLL_CTL_ADD = 1;
  int EPOLL_CTL_DEL = 2;
  int EPOLL_CTL_MOD = 3;
  int EFD_CLOEXEC = 02000000;
  int EFD_NONBLOCK = 04000;
  int MSG_CMSG_CLOEXEC = 0x40000000;
  int MSG_NOSIGNAL = 0x4000;
  int SOL_SOCKET = 1;
  int SCM_RIGHTS = 1;
  /** ioctl request numbers of asm-generic, which x86_64 and aarch64 share. */
  long TIOCGWINSZ = 0x5413;
  long TIOCSWINSZ = 0x5414;

  /** sizeof(posix_spawn_file_actions_t) is 80 on 64-bit glibc; room to spare. */
  int SPAWN_FILE_ACTIONS_SIZE = 128;

  int posix_spawn_file_actions_init(Pointer actions);

  int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);

  int posix_spawn_file_actions_destroy(Pointer actions);

  /** Returns 0 or an errno value; {@code file} a C string, {@code argv} and {@code envp} NULL-terminated arrays of them. */
  int posix_spawnp(@Out int[] pid, Pointer file, Pointer actions, Pointer attrp, Pointer argv, Pointer envp);

  int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  int prctl(int option, Pointer arg2, long arg3, long arg4, long arg5);

  int fcntl(int fd, int cmd, int arg);

  int memfd_create(String name, int flags);

  int MFD_CLOEXEC = 1;
  int MFD_ALLOW_SEALING = 2;
  int F_ADD_SEALS = 1033;
  int F_SEAL_SEAL = 1;
  int F_SEAL_SHRINK = 2;
  int F_SEAL_GROW = 4;
  int F_SEAL_WRITE = 8;

  int socketpair(int domain, int type, int protocol, int[] sv);

  int socket(int domain, int type, int protocol);

  long sendto(int fd, @In byte[] buf, long len, int flags, Pointer destAddr, int addrlen);

  int waitid(int idtype, int id, Pointer infop, int options);

  int poll(Pointer fds, long nfds, int timeout);

  int pipe2(@Out int[] fds, int flags);

  /** Reads into a heap buffer's remaining bytes; jnr passes array, offset and length, and copies only those out. */
  long read(int fd, @Out ByteBuffer buf, long count);

  long write(int fd, @In ByteBuffer buf, long count);

  int close(int fd);

  int epoll_create1(int flags);

  int epoll_ctl(int epfd, int op, int fd, Pointer event);

  int epoll_wait(int epfd, Pointer events, int maxevents, int timeout);

  int eventfd(int initval, int flags);

  int eventfd_read(int fd, Pointer value);

  int eventfd_write(int fd, long value);

  long recvmsg(int fd, Pointer msg, int flags);

  int ioctl(int fd, long request, Pointer arg);

  int mount(String source, String target, String filesystemtype, long mountflags, String data);

  int umount2(String target, int flags);

  int bind(int fd, Pointer addr, int addrlen);

  int setsockopt(int fd, int level, int optname, Pointer optval, int optlen);

  long send(int fd, Pointer buf, long len, int flags);

  long recv(int fd, Pointer buf, long len, int flags);

  /** syscall(2) for the calls glibc 2.36 has no wrapper for here (pidfd_open, pidfd_send_signal). */
  long syscall(long number, long arg1, long arg2, long arg3, long arg4);

  /** The same numbers on every architecture since Linux 5.1 / 5.3. */
  long SYS_PIDFD_SEND_SIGNAL = 424;
  long SYS_PIDFD_OPEN = 434;
}
