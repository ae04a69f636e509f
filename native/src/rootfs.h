/*
 * Filesystem setup done by the workload before exec: mount propagation,
 * a fresh /proc for a new pid namespace, switching to the container root,
 * and the read-only / masked paths applied after the switch.
 *
 * Error contract: each function returns 0, or -1 with ERR filled with the
 * stage named below and a message naming the path and the call.
 */
#ifndef JSHIM_ROOTFS_H
#define JSHIM_ROOTFS_H

#include "error.h"

/*
 * Make every mount of the new mount namespace recursively private, or
 * recursively slave when ROOTFS_PROPAGATION (--rootfs-propagation, 0 when
 * not given) asks for slave propagation: nothing done during setup
 * propagates back to the host.  For shared propagation with a ROOT, the
 * mounts are made recursively shared (they stay the host's peers, as shared
 * volumes need) and the mount holding ROOT private, so that what is mounted
 * under ROOT still stays inside; without a ROOT, shared is taken as slave.
 * Stage MOUNT.
 */
int jshim_isolate_mounts (unsigned long rootfs_propagation, const char *root,
                          jshim_error_t *err);

/*
 * Mount a new proc filesystem (nosuid, nodev, noexec) on TARGET, creating the
 * directory with mode 0555 when it does not exist.  Stage MOUNT.
 */
int jshim_mount_proc (const char *target, jshim_error_t *err);

/* Bind ROOT onto itself (MS_BIND|MS_REC), so that it is a mount point that
   pivot_root accepts.  Stage ROOTFS. */
int jshim_bind_root (const char *root, jshim_error_t *err);

/* The automatic proc at ROOT/proc (for a new pid namespace without
   --mount).  Stage MOUNT. */
int jshim_mount_root_proc (const char *root, jshim_error_t *err);

/* pivot_root into ROOT (already a mount point), detach the old root (made
   a recursive slave first when ROOTFS_PROPAGATION is shared, so that the
   detach does not reach the host) and chdir to the new "/".  Stage ROOTFS.
 */
int jshim_pivot_root (const char *root, unsigned long rootfs_propagation,
                      jshim_error_t *err);

/* chroot (ROOT) and chdir to the new "/" (no mount namespace).  Stage
   ROOTFS. */
int jshim_chroot (const char *root, jshim_error_t *err);

/* mount(NULL, "/", NULL, PROPAGATION, NULL): --rootfs-propagation, after
   the root switch.  Stage MOUNT. */
int jshim_set_root_propagation (unsigned long propagation,
                                jshim_error_t *err);

/*
 * --root-readonly: after the pivot_root into the container root (whose "/"
 * is the helper's bind mount of ROOT), remount that mount alone
 * MS_BIND|MS_REMOUNT|MS_RDONLY, keeping its nosuid, nodev and noexec flags.
 * Mounts below it (/proc) are not affected.  Stage ROOTFS on failure.
 */
int jshim_remount_root_readonly (jshim_error_t *err);

/*
 * --masked and --readonly work through /proc/self/fd/N: check that /proc in
 * the current root is a real procfs (stage MOUNT otherwise).
 */
int jshim_check_proc_fd (jshim_error_t *err);

/*
 * Hide PATH (absolute, resolved in the current root; a symlink as the last
 * component is not followed): a directory gets a read-only empty tmpfs over
 * it, anything else a bind mount of the root's /dev/null (which must be the
 * null character device).  A PATH that does not exist is skipped.
 */
int jshim_mask_path (const char *path, jshim_error_t *err);

/*
 * Make PATH read-only: bind it onto itself (recursively), then remount the
 * bind read-only keeping its nosuid, nodev and noexec flags.  A PATH that
 * does not exist is skipped; a symlink as the last component is not
 * followed.
 */
int jshim_readonly_path (const char *path, jshim_error_t *err);

#endif /* JSHIM_ROOTFS_H */
