package io.jshim.daemon.sys;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LastError;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** {@link ExitNotices} on a NETLINK_CONNECTOR socket subscribed to the process-events group. */
final class JnrExitNotices implements ExitNotices {
  private static final int AF_NETLINK = 16;
  private static final int NETLINK_CONNECTOR = 11;
  private static final int CN_IDX_PROC = 1;
  private static final int CN_VAL_PROC = 1;
  private static final int NLMSG_DONE = 3;
  private static final int PROC_CN_MCAST_LISTEN = 1;
  private static final int PROC_CN_MCAST_IGNORE = 2;
  private static final int PROC_EVENT_EXIT = 0x80000000;
  private static final int SO_RCVBUFFORCE = 33;
  private static final int SO_ATTACH_FILTER = 26;
  private static final int MSG_DONTWAIT = 0x40;
  /** A burst of exits (a thousand-process container ending) must fit; the kernel drops what does not. */
  private static final int RECEIVE_BUFFER = 4 << 20;
  // struct nlmsghdr (16 bytes), then struct cn_msg (20), then struct proc_event: what, cpu, timestamp (16 bytes),
  // then for an exit: process_pid, process_tgid, exit_code (the wait status)
  private static final int NLMSG_HEADER = 16;
  private static final int CN_MSG_HEADER = 20;
  private static final int EVENT = NLMSG_HEADER + CN_MSG_HEADER;
  private static final int EXIT_THREAD = EVENT + 16;
  private static final int EXIT_PROCESS = EVENT + 20;
  private static final int EXIT_CODE = EVENT + 24;
  private static final int SUBSCRIBE_SIZE = EVENT + 4;
  private static final int BUFFER_SIZE = 8192;
  /** Returns to the caller now and then during a flood, so it can act on what it has. */
  private static final int MAX_BATCH = 512;

  private final LinuxLibC libc;
  private final Runtime runtime;
  private final int fd;
  private final Pointer buffer;
  private final Pointer pollfd;
  private boolean closed;

  private JnrExitNotices(LinuxLibC libc, Runtime runtime, int fd) {
    this.libc = libc;
    this.runtime = runtime;
    this.fd = fd;
    this.buffer = Memory.allocateDirect(runtime, BUFFER_SIZE, true);
    this.pollfd = Memory.allocateDirect(runtime, 8, true);
    pollfd.putInt(0, fd);
    pollfd.putShort(4, LinuxLibC.POLLIN);
  }

  static JnrExitNotices open(LinuxLibC libc, Runtime runtime) {
    int fd = libc.socket(AF_NETLINK, LinuxLibC.SOCK_DGRAM | LinuxLibC.SOCK_CLOEXEC, NETLINK_CONNECTOR);
    if (fd < 0) {
      throw new SysException("socket(AF_NETLINK, NETLINK_CONNECTOR)", LastError.getLastError(runtime));
    }
    JnrExitNotices notices = new JnrExitNotices(libc, runtime, fd);
    try {
      notices.setBufferSize();
      notices.attachExitFilter();
      notices.bind();
      notices.subscribe(PROC_CN_MCAST_LISTEN);
      return notices;
    } catch (RuntimeException e) {
      libc.close(fd);
      throw e;
    }
  }

  @Override
  public List<Notice> read(Duration timeout) {
    List<Notice> notices = new ArrayList<>();
    int waitMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
    int ready = libc.poll(pollfd, 1, waitMillis);
    if (ready < 0) {
      int errno = LastError.getLastError(runtime);
      if (errno == Errnos.EINTR) {
        return notices;
      }
      throw new SysException("poll netlink fd " + fd, errno);
    }
    while (ready > 0 && notices.size() < MAX_BATCH) {
      long n = libc.recv(fd, buffer, BUFFER_SIZE, MSG_DONTWAIT);
      if (n < 0) {
        int errno = LastError.getLastError(runtime);
        if (errno == Errnos.EAGAIN || errno == Errnos.EINTR) {
          return notices;
        }
        throw new SysException("recv netlink fd " + fd, errno);
      }
      // the filter lets only exit events through, one per datagram
      if (n >= EXIT_CODE + 4) {
        notices.add(new Notice(buffer.getInt(EXIT_PROCESS), buffer.getInt(EXIT_THREAD), buffer.getInt(EXIT_CODE)));
      }
    }
    return notices;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      // the kernel counts listeners and stops building notices when none is left
      subscribe(PROC_CN_MCAST_IGNORE);
    } catch (SysException e) {
      // closing the socket is what matters
    }
    libc.close(fd);
  }

  private void setBufferSize() {
    Pointer size = Memory.allocateDirect(runtime, 4, true);
    size.putInt(0, RECEIVE_BUFFER);
    if (libc.setsockopt(fd, LinuxLibC.SOL_SOCKET, SO_RCVBUFFORCE, size, 4) != 0) {
      throw new SysException("setsockopt(SO_RCVBUFFORCE) on netlink fd " + fd, LastError.getLastError(runtime));
    }
  }

  /**
   * A classic BPF program that keeps only exit events: forks, execs and the rest never wake the reader. BPF loads
   * words in network byte order, so the constant is compared as the bytes lie in memory.
   */
  private void attachExitFilter() {
    int exitAsLoaded = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
        ? Integer.reverseBytes(PROC_EVENT_EXIT) : PROC_EVENT_EXIT;
    int[][] program = {
        {0x20, 0, 0, EVENT}, // ld [what]
        {0x15, 0, 1, exitAsLoaded}, // jeq exit ? next : drop
        {0x06, 0, 0, 0xffff_ffff}, // ret accept
        {0x06, 0, 0, 0}, // ret drop
    };
    Pointer filter = Memory.allocateDirect(runtime, 8L * program.length, true);
    for (int i = 0; i < program.length; i++) {
      filter.putShort(8L * i, (short) program[i][0]);
      filter.putByte(8L * i + 2, (byte) program[i][1]);
      filter.putByte(8L * i + 3, (byte) program[i][2]);
      filter.putInt(8L * i + 4, program[i][3]);
    }
    // struct sock_fprog {unsigned short len; struct sock_filter *filter;}: the pointer is aligned to 8
    Pointer fprog = Memory.allocateDirect(runtime, 16, true);
    fprog.putShort(0, (short) program.length);
    fprog.putAddress(8, filter.address());
    if (libc.setsockopt(fd, LinuxLibC.SOL_SOCKET, SO_ATTACH_FILTER, fprog, 16) != 0) {
      throw new SysException("setsockopt(SO_ATTACH_FILTER) on netlink fd " + fd, LastError.getLastError(runtime));
    }
  }

  private void bind() {
    // struct sockaddr_nl {u16 family; u16 pad; u32 pid (0: the kernel picks); u32 groups}
    Pointer address = Memory.allocateDirect(runtime, 12, true);
    address.putShort(0, (short) AF_NETLINK);
    address.putInt(8, CN_IDX_PROC);
    if (libc.bind(fd, address, 12) != 0) {
      throw new SysException("bind netlink fd " + fd + " to the process-events group", LastError.getLastError(runtime));
    }
  }

  private void subscribe(int operation) {
    Pointer message = Memory.allocateDirect(runtime, SUBSCRIBE_SIZE, true);
    message.putInt(0, SUBSCRIBE_SIZE);
    message.putShort(4, (short) NLMSG_DONE);
    message.putInt(NLMSG_HEADER, CN_IDX_PROC);
    message.putInt(NLMSG_HEADER + 4, CN_VAL_PROC);
    message.putShort(NLMSG_HEADER + 16, (short) 4);
    message.putInt(EVENT, operation);
    if (libc.send(fd, message, SUBSCRIBE_SIZE, 0) != SUBSCRIBE_SIZE) {
      throw new SysException("subscribe netlink fd " + fd + " to process events", LastError.getLastError(runtime));
    }
  }
}
