package io.jshim.daemon.sys;

import jnr.constants.platform.Errno;

/** Linux errno values the daemon reacts to, and their descriptions. */
public final class Errnos {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int ENXIO = 6;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ECHILD = 10;
  public static final int EACCES = 13;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int ELOOP = 40;
  public static final int EINVAL = 22;
  public static final int EPIPE = 32;
  public static final int ENOEXEC = 8;
  public static final int EBUSY = 16;
  public static final int ENODEV = 19;
  public static final int EROFS = 30;
  public static final int ENOBUFS = 105;

  private Errnos() {}

  /** "No such file or directory (errno 2)". */
  public static String describe(int errno) {
    Errno e = Errno.valueOf(errno);
    String text = e == null || "__UNKNOWN_CONSTANT__".equals(e.name()) ? "unknown error" : e.description();
    return text + " (errno " + errno + ")";
  }
}
