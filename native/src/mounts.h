/*
 * --mount TYPE SOURCE TARGET FLAGS PROPAGATION DATA and
 * --rootfs-propagation FLAGS: the container's mount list, performed inside
 * the container root before pivot_root.
 *
 * Error contract: functions return -1 with ERR filled (parsers: stage ARGS,
 * errno EINVAL, a message naming the option and the value; mounting: stage
 * MOUNT, a message naming the type, source and target, e.g.
 * `mount tmpfs "tmpfs" on "/dev": Invalid argument`), 0 on success.
 */
#ifndef JSHIM_MOUNTS_H
#define JSHIM_MOUNTS_H

#include <stddef.h>
#include <sys/mount.h>

#include "error.h"

/* Number of argv values that follow --mount. */
#define JSHIM_MOUNT_NVALUES 6

/* Flags a bind mount takes only through a second, remounting call. */
#define JSHIM_BIND_REMOUNT_FLAGS                                           \
  (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME               \
   | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

/* The propagation types; exactly one of them may be given, with MS_REC. */
#define JSHIM_PROPAGATION_TYPES                                            \
  (MS_PRIVATE | MS_SLAVE | MS_SHARED | MS_UNBINDABLE)

enum jshim_mount_kind
{
  JSHIM_MOUNT_NEW,    /* a new filesystem of TYPE */
  JSHIM_MOUNT_BIND,   /* MS_BIND without MS_REMOUNT: SOURCE is a host path */
  JSHIM_MOUNT_REMOUNT /* MS_REMOUNT: the mount already at TARGET */
};

struct jshim_mount
{
  enum jshim_mount_kind kind;
  const char *type;          /* as given; ignored for bind and remount */
  const char *source;        /* as given */
  const char *target;        /* absolute, inside the container root */
  unsigned long flags;       /* MS_* (no propagation types) */
  unsigned long propagation; /* 0, or one JSHIM_PROPAGATION_TYPES | MS_REC */
  const char *data;          /* NULL when given empty */
};

/*
 * Parse the six values of one --mount (VALUES[0..5] = TYPE, SOURCE,
 * TARGET, FLAGS, PROPAGATION, DATA).  FLAGS and PROPAGATION are read like
 * strtoul (TEXT, NULL, 0).  Rejected: a relative TARGET, a bind mount with
 * a relative SOURCE, an empty TYPE without MS_BIND or MS_REMOUNT, a
 * propagation type in FLAGS, a PROPAGATION that is not 0 or one type
 * (optionally with MS_REC).
 */
int jshim_parse_mount (char *const values[JSHIM_MOUNT_NVALUES],
                       struct jshim_mount *out, jshim_error_t *err);

/*
 * --rootfs-propagation FLAGS: 0, or one propagation type, optionally with
 * MS_REC (strtoul base 0).
 */
int jshim_parse_rootfs_propagation (const char *text, unsigned long *out,
                                    jshim_error_t *err);

/*
 * Perform M with its target resolved inside the root open at ROOTFD (see
 * inroot.h); missing directories are created, and for a bind mount of
 * anything but a directory the target is created as an empty file.  The
 * mount goes onto /proc/self/fd/N, so the caller's /proc must be a procfs
 * (the host's, before pivot_root).  A bind mount with any of
 * JSHIM_BIND_REMOUNT_FLAGS is then remounted MS_REMOUNT|MS_BIND with them
 * (retried with the flags the kernel locks on that mount, as statvfs
 * reports them, when it says EPERM).  A PROPAGATION is applied last.
 */
int jshim_do_mount (int rootfd, const struct jshim_mount *m,
                    jshim_error_t *err);

#endif /* JSHIM_MOUNTS_H */
