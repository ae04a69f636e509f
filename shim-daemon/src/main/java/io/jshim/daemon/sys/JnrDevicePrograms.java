package io.jshim.daemon.sys;

import io.jshim.daemon.error.ErrorKind;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jnr.constants.platform.OpenFlags;
import jnr.ffi.LastError;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** {@link DevicePrograms} on the raw {@code bpf(2)} system call; the attribute layouts are linux/bpf.h's. */
final class JnrDevicePrograms implements DevicePrograms {
  private static final int BPF_PROG_LOAD = 5;
  private static final int BPF_PROG_ATTACH = 8;
  private static final int BPF_PROG_DETACH = 9;
  private static final int BPF_PROG_GET_FD_BY_ID = 13;
  private static final int BPF_PROG_QUERY = 16;
  private static final int BPF_PROG_TYPE_CGROUP_DEVICE = 15;
  private static final int BPF_CGROUP_DEVICE = 6;
  private static final int BPF_F_ALLOW_MULTI = 2;
  /** sizeof(union bpf_attr) in the headers this was written against; the kernel accepts any size up to its own. */
  private static final int ATTR_SIZE = 144;
  /** Verbose enough to say which instruction the verifier refused. */
  private static final int LOG_LEVEL = 1;
  private static final int LOG_SIZE = 1 << 20;
  /** prog_name: at most 15 characters of [A-Za-z0-9_.], for bpftool and /proc/PID/fdinfo. */
  private static final byte[] PROGRAM_NAME = "jshim_devices".getBytes(StandardCharsets.US_ASCII);
  /** The kernel's limit of programs attached to one cgroup with BPF_F_ALLOW_MULTI. */
  private static final int MAX_ATTACHED = 64;
  private static final int ENOSPC = 28;

  private final Posix posix;
  private final LinuxLibC libc;
  private final Runtime runtime;
  private final long bpfSyscall;

  JnrDevicePrograms(Posix posix, LinuxLibC libc, Runtime runtime) {
    this.posix = posix;
    this.libc = libc;
    this.runtime = runtime;
    this.bpfSyscall = bpfSyscallNumber(System.getProperty("os.arch"));
  }

  @Override
  public void replace(Path cgroupDir, byte[] instructions, String license) {
    int dir = openDir(cgroupDir);
    try {
      List<Integer> previous = attachedTo(dir, cgroupDir);
      int program = load(instructions, license, cgroupDir);
      try {
        attach(dir, program, cgroupDir);
      } finally {
        // the attachment holds its own reference
        posix.closeQuietly(program);
      }
      for (int id : previous) {
        detach(dir, id, cgroupDir);
      }
    } finally {
      posix.closeQuietly(dir);
    }
  }

  @Override
  public List<Integer> attached(Path cgroupDir) {
    int dir = openDir(cgroupDir);
    try {
      return attachedTo(dir, cgroupDir);
    } finally {
      posix.closeQuietly(dir);
    }
  }

  private int openDir(Path cgroupDir) {
    return posix.open(cgroupDir.toString(), OpenFlags.O_RDONLY.intValue() | OpenFlags.O_DIRECTORY.intValue(), 0);
  }

  private int load(byte[] instructions, String license, Path cgroupDir) {
    Pointer code = Memory.allocateDirect(runtime, instructions.length, true);
    code.put(0, instructions, 0, instructions.length);
    byte[] licenseBytes = (license + "\0").getBytes(StandardCharsets.US_ASCII);
    Pointer licenseText = Memory.allocateDirect(runtime, licenseBytes.length, true);
    licenseText.put(0, licenseBytes, 0, licenseBytes.length);
    long fd = load(code, instructions.length / 8, licenseText, null);
    if (fd >= 0) {
      return (int) fd;
    }
    // again with the verifier's log, which only a refused program needs (a log too small fails a good one)
    Pointer log = Memory.allocateDirect(runtime, LOG_SIZE, true);
    fd = load(code, instructions.length / 8, licenseText, log);
    int errno = LastError.getLastError(runtime);
    if (fd >= 0) {
      return (int) fd;
    }
    String verifier = log.getString(0, LOG_SIZE, StandardCharsets.US_ASCII).strip();
    String hint = errno == Errnos.EPERM ? " (expected: CAP_BPF or CAP_SYS_ADMIN, and before Linux 5.11 an"
        + " RLIMIT_MEMLOCK the program fits in)" : "";
    throw new SysException(kind(errno), "bpf(BPF_PROG_LOAD) of a device filter of " + instructions.length / 8
        + " instructions for " + cgroupDir + (verifier.isEmpty() ? "" : " (verifier: " + lastLines(verifier) + ")")
        + hint, errno);
  }

  private long load(Pointer code, int count, Pointer license, Pointer log) {
    Pointer attr = attr();
    attr.putInt(0, BPF_PROG_TYPE_CGROUP_DEVICE);
    attr.putInt(4, count);
    attr.putLong(8, code.address());
    attr.putLong(16, license.address());
    if (log != null) {
      attr.putInt(24, LOG_LEVEL);
      attr.putInt(28, LOG_SIZE);
      attr.putLong(32, log.address());
    }
    attr.put(48, PROGRAM_NAME, 0, PROGRAM_NAME.length);
    long fd = bpf(BPF_PROG_LOAD, attr);
    // the kernel read them by address only: they must outlive the call
    Reference.reachabilityFence(code);
    Reference.reachabilityFence(license);
    Reference.reachabilityFence(log);
    return fd;
  }

  private void attach(int dir, int program, Path cgroupDir) {
    Pointer attr = attr();
    attr.putInt(0, dir);
    attr.putInt(4, program);
    attr.putInt(8, BPF_CGROUP_DEVICE);
    attr.putInt(12, BPF_F_ALLOW_MULTI);
    if (bpf(BPF_PROG_ATTACH, attr) < 0) {
      throw new SysException("bpf(BPF_PROG_ATTACH, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI) to " + cgroupDir,
          LastError.getLastError(runtime));
    }
  }

  private void detach(int dir, int id, Path cgroupDir) {
    Pointer attr = attr();
    attr.putInt(0, id);
    long program = bpf(BPF_PROG_GET_FD_BY_ID, attr);
    if (program < 0) {
      int errno = LastError.getLastError(runtime);
      if (errno == Errnos.ENOENT) {
        // detached and freed meanwhile
        return;
      }
      throw new SysException("bpf(BPF_PROG_GET_FD_BY_ID) of program " + id + " attached to " + cgroupDir, errno);
    }
    try {
      Pointer detach = attr();
      detach.putInt(0, dir);
      detach.putInt(4, (int) program);
      detach.putInt(8, BPF_CGROUP_DEVICE);
      if (bpf(BPF_PROG_DETACH, detach) < 0) {
        int errno = LastError.getLastError(runtime);
        if (errno != Errnos.ENOENT) {
          throw new SysException("bpf(BPF_PROG_DETACH) of the previous device filter " + id + " from " + cgroupDir,
              errno);
        }
      }
    } finally {
      posix.closeQuietly((int) program);
    }
  }

  private List<Integer> attachedTo(int dir, Path cgroupDir) {
    Pointer ids = Memory.allocateDirect(runtime, MAX_ATTACHED * 4, true);
    Pointer attr = attr();
    attr.putInt(0, dir);
    attr.putInt(4, BPF_CGROUP_DEVICE);
    attr.putLong(16, ids.address());
    attr.putInt(24, MAX_ATTACHED);
    if (bpf(BPF_PROG_QUERY, attr) < 0) {
      int errno = LastError.getLastError(runtime);
      throw new SysException("bpf(BPF_PROG_QUERY, BPF_CGROUP_DEVICE) of " + cgroupDir
          + (errno == ENOSPC ? " (more than " + MAX_ATTACHED + " programs attached)" : ""), errno);
    }
    Reference.reachabilityFence(ids);
    int count = attr.getInt(24);
    List<Integer> found = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      found.add(ids.getInt(4L * i));
    }
    return List.copyOf(found);
  }

  private Pointer attr() {
    return Memory.allocateDirect(runtime, ATTR_SIZE, true);
  }

  private long bpf(int command, Pointer attr) {
    if (bpfSyscall < 0) {
      throw new SysException(ErrorKind.UNIMPLEMENTED, "bpf(2) on " + System.getProperty("os.arch")
          + " (expected: amd64 or aarch64, whose system call numbers jshim knows)", Errnos.EINVAL);
    }
    long result = libc.syscall(bpfSyscall, command, attr.address(), ATTR_SIZE, 0);
    Reference.reachabilityFence(attr);
    return result;
  }

  private static long bpfSyscallNumber(String arch) {
    return switch (arch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> 321;
      case "aarch64", "arm64" -> 280;
      default -> -1;
    };
  }

  /** A refused program is the caller's mistake; a missing permission or kernel feature is the host's. */
  private static ErrorKind kind(int errno) {
    return switch (errno) {
      case Errnos.EINVAL, Errnos.EACCES -> ErrorKind.INVALID_ARGUMENT;
      case Errnos.EPERM -> ErrorKind.PERMISSION_DENIED;
      default -> ErrorKind.INTERNAL;
    };
  }

  // the verifier's log names the refused instruction last
  private static String lastLines(String log) {
    List<String> lines = log.lines().toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }
}
