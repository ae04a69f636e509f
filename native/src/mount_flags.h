/*
 * Mount flags as text and as the kernel keeps them: shared by the mounts
 * list (mounts.c) and the root switch (rootfs.c), which otherwise need
 * nothing of each other.  Pure functions: no error contract.
 */
#ifndef JSHIM_MOUNT_FLAGS_H
#define JSHIM_MOUNT_FLAGS_H

#include <stddef.h>

struct statvfs;

/* "MS_REC|MS_SLAVE" and so on; always NUL terminates BUF; returns BUF. */
const char *jshim_propagation_str (unsigned long flags, char *buf,
                                   size_t cap);

/* MS_NOSUID, MS_NODEV and MS_NOEXEC as VFS (a statvfs result) has them: a
   read-only remount must repeat them, or the kernel refuses it (EPERM) on
   mounts that are locked with them. */
unsigned long jshim_kept_mount_flags (const struct statvfs *vfs);

#endif
