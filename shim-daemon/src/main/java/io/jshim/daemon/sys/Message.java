package io.jshim.daemon.sys;

import java.util.Arrays;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * One recvmsg(2) buffer in a single block of native memory: struct msghdr, one struct iovec, the data and
 * room for the control messages (64-bit Linux layout).
 */
final class Message {
  private static final int HEADER_SIZE = 56;
  private static final int IOV_OFFSET = HEADER_SIZE;
  private static final int DATA_OFFSET = IOV_OFFSET + 16;
  private static final int CMSG_HEADER_SIZE = 16;
  /** Room for 16 fds; the kernel closes the ones that do not fit (MSG_CTRUNC). */
  private static final int CONTROL_SIZE = CMSG_HEADER_SIZE + 16 * 4;

  private final Pointer memory;
  private final int controlOffset;

  Message(Runtime runtime, int dataLength) {
    this.controlOffset = DATA_OFFSET + align(dataLength);
    this.memory = Memory.allocateDirect(runtime, controlOffset + CONTROL_SIZE, true);
    long base = memory.address();
    memory.putAddress(16, base + IOV_OFFSET);
    memory.putLong(24, 1);
    memory.putAddress(32, base + controlOffset);
    memory.putLong(40, CONTROL_SIZE);
    memory.putAddress(IOV_OFFSET, base + DATA_OFFSET);
    memory.putLong(IOV_OFFSET + 8, dataLength);
  }

  Pointer header() {
    // recvmsg shrinks msg_controllen to what arrived: restore it before every call
    memory.putLong(40, CONTROL_SIZE);
    return memory;
  }

  void copyData(byte[] buf, int offset, int length) {
    memory.get(DATA_OFFSET, buf, offset, length);
  }

  /** Every fd of every SCM_RIGHTS message of the last receive, in order. */
  int[] receivedFds() {
    long controlLength = Math.min(memory.getLong(40), CONTROL_SIZE);
    int[] fds = new int[0];
    long at = 0;
    while (at + CMSG_HEADER_SIZE <= controlLength) {
      long cmsgLength = memory.getLong(controlOffset + at);
      if (cmsgLength < CMSG_HEADER_SIZE || at + cmsgLength > controlLength) {
        break;
      }
      int level = memory.getInt(controlOffset + at + 8);
      int type = memory.getInt(controlOffset + at + 12);
      if (level == LinuxLibC.SOL_SOCKET && type == LinuxLibC.SCM_RIGHTS) {
        int count = (int) ((cmsgLength - CMSG_HEADER_SIZE) / 4);
        int first = fds.length;
        fds = Arrays.copyOf(fds, first + count);
        for (int i = 0; i < count; i++) {
          fds[first + i] = memory.getInt(controlOffset + at + CMSG_HEADER_SIZE + 4L * i);
        }
      }
      at += align(cmsgLength);
    }
    return fds;
  }

  private static int align(long length) {
    return (int) ((length + 7) & ~7L);
  }
}
