/*
 * Filesystem setup done by the workload before exec: mount propagation,
 * a fresh /proc for a new pid namespace, and switching to the container root.
 */
#ifndef JSHIM_ROOTFS_H
#define JSHIM_ROOTFS_H

#include "error.h"

/* mount(NULL, "/", NULL, MS_REC|MS_PRIVATE): stop propagation to the host. */
int jshim_make_root_private (jshim_error_t *err);

/*
 * Mount a new proc filesystem (nosuid, nodev, noexec) on TARGET, creating the
 * directory with mode 0555 when it does not exist.
 */
int jshim_mount_proc (const char *target, jshim_error_t *err);

/*
 * Prepare the filesystem view of the workload according to the clone flags
 * it was created with (CLONE_NEWNS / CLONE_NEWPID):
 *   - ROOT given, new mount ns: bind ROOT on itself, fresh proc at ROOT/proc
 *     when there is also a new pid ns, then pivot_root into it and detach
 *     the old root;
 *   - ROOT given, no mount ns: chroot(ROOT);
 *   - no ROOT, new pid and mount ns: fresh proc over /proc.
 * Always ends with the working directory at "/" when ROOT is given.
 * The caller must already have made "/" private when in a new mount ns.
 */
int jshim_setup_rootfs (const char *root, int ns_flags, jshim_error_t *err);

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
