/*
 * --device PATH TYPE MAJOR MINOR MODE UID GID and --dev-links: device nodes
 * and the usual /dev symlinks, created inside the container root (after the
 * --mount list, before pivot_root).
 *
 * Error contract: functions return -1 with ERR filled (the parser: stage
 * ARGS, errno EINVAL, a message naming the value and what was expected;
 * creating: stage DEVICES, a message naming the path and the call), 0 on
 * success.  Paths are resolved inside the root as inroot.h describes.
 */
#ifndef JSHIM_DEVICES_H
#define JSHIM_DEVICES_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* Number of argv values that follow --device. */
#define JSHIM_DEVICE_NVALUES 7

/* Largest MAJOR and MINOR the kernel keeps in a dev_t (12 and 20 bits). */
#define JSHIM_DEVICE_MAJOR_MAX 4095U
#define JSHIM_DEVICE_MINOR_MAX 1048575U

struct jshim_device
{
  const char *path;  /* absolute, inside the container */
  char type;         /* 'c', 'b' or 'p' ('u' is stored as 'c') */
  unsigned major;
  unsigned minor;
  mode_t perm;       /* permission bits, 0..07777 */
  uid_t uid;         /* container ids */
  gid_t gid;
};

/*
 * Parse the seven values of one --device (PATH, TYPE, MAJOR, MINOR, MODE,
 * UID, GID).  PATH absolute; TYPE one of c, b, u (= c), p (fifo); MAJOR
 * and MINOR decimal (up to JSHIM_DEVICE_MAJOR_MAX / _MINOR_MAX; ignored for
 * p); MODE like strtoul (MODE, NULL, 0), 0..07777; UID and GID decimal,
 * 0..4294967294.
 */
int jshim_parse_device (char *const values[JSHIM_DEVICE_NVALUES],
                        struct jshim_device *out, jshim_error_t *err);

/*
 * Create D in the root open at ROOTFD: parent directories as needed
 * (0755), then mknodat with D's type and permission bits, then fchownat to
 * D's uid and gid (not following symlinks).  An existing entry at the path
 * (of any type) is left alone.  With IN_USERNS (mknod of devices is not
 * allowed in a user namespace) a character or block device is instead an
 * empty regular file with the host's node at the same path bind-mounted
 * onto it; the host's node must be of D's type and numbers (else ENODEV).
 * A fifo is always made with mknodat.  The permission bits are given as
 * is to mknodat, so the caller should run with umask 0.
 */
int jshim_create_device (int rootfd, const struct jshim_device *d,
                         bool in_userns, jshim_error_t *err);

/*
 * --dev-links: in the root's /dev (created if missing) the symlinks
 * fd -> /proc/self/fd, stdin -> /proc/self/fd/0, stdout -> /proc/self/fd/1,
 * stderr -> /proc/self/fd/2, and core -> /proc/kcore when this process's
 * /proc/kcore exists (the host's, before pivot_root); existing entries are
 * left alone.  When /dev/pts/ptmx exists in the root, /dev/ptmx is replaced
 * with a symlink to pts/ptmx.
 */
int jshim_create_dev_links (int rootfd, jshim_error_t *err);

#endif /* JSHIM_DEVICES_H */
