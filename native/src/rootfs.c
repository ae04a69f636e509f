#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount_flags.h"
#include "sync.h"

/* The mount point of the mount that holds PATH (an absolute, resolved
   path), into BUF; 0 or -1 with errno. */
static int
holding_mount_point (const char *path, char *buf, size_t cap)
{
  struct statx stx;
  size_t len = strlen (path);

  if (len >= cap)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  memcpy (buf, path, len + 1);
  for (;;)
    {
      if (statx (AT_FDCWD, buf, AT_SYMLINK_NOFOLLOW, 0, &stx) < 0)
        return -1;
      if ((stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) == 0)
        {
          errno = ENOTSUP;
          return -1;
        }
      if ((stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) || strcmp (buf, "/") == 0)
        return 0;
      while (len > 1 && buf[len - 1] != '/')
        len--;
      if (len > 1)
        len--; /* the slash, unless it is the root's */
      buf[len] = '\0';
    }
}

int
jshim_isolate_mounts (unsigned long rootfs_propagation, const char *root,
                      jshim_error_t *err)
{
  char resolved[PATH_MAX], holder[PATH_MAX];
  bool shared = (rootfs_propagation & MS_SHARED) != 0 && root != NULL;
  bool slave = (rootfs_propagation & (MS_SLAVE | MS_SHARED)) != 0;

  if (shared)
    {
      /* Shared: the mounts stay in the host's peer groups, so that a shared
         volume propagates both ways.  The mount that holds the root is made
         private, so that the root's bind and everything mounted under it
         stay in here (pivot_root also refuses a shared parent); the old
         root is made a slave before it is detached (jshim_pivot_root). */
      if (mount (NULL, "/", NULL, MS_REC | MS_SHARED, NULL) < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                               "make / recursively shared "
                               "(--rootfs-propagation)");
      if (realpath (root, resolved) == NULL
          || holding_mount_point (resolved, holder, sizeof (holder)) < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                               "find the mount that holds the root \"%s\"",
                               root);
      if (mount (NULL, holder, NULL, MS_PRIVATE, NULL) < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                               "make \"%s\" (the mount holding the root) "
                               "private",
                               holder);
      return 0;
    }
  if (mount (NULL, "/", NULL, MS_REC | (slave ? MS_SLAVE : MS_PRIVATE), NULL)
      < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                           "make / recursively %s",
                           slave ? "slave" : "private");
  return 0;
}

int
jshim_mount_proc (const char *target, jshim_error_t *err)
{
  if (mkdir (target, 0555) < 0 && errno != EEXIST)
    return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno, "mkdir \"%s\"",
                           target);
  if (mount ("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)
      < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                           "mount proc on \"%s\"", target);
  return 0;
}

int
jshim_bind_root (const char *root, jshim_error_t *err)
{
  if (mount (root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                           "bind mount \"%s\" onto itself", root);
  return 0;
}

int
jshim_mount_root_proc (const char *root, jshim_error_t *err)
{
  char proc[PATH_MAX];
  int n = snprintf (proc, sizeof (proc), "%s/proc", root);

  if (n < 0 || (size_t) n >= sizeof (proc))
    return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, ENAMETOOLONG,
                           "mount proc under \"%s\"", root);
  return jshim_mount_proc (proc, err);
}

int
jshim_pivot_root (const char *root, unsigned long rootfs_propagation,
                  jshim_error_t *err)
{
  bool shared = (rootfs_propagation & MS_SHARED) != 0;
  int oldroot = -1, saved;

  if (shared && (oldroot = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                           "open the old root before pivot_root");
  if (chdir (root) < 0)
    {
      saved = errno;
      goto fail_chdir;
    }
  /* Stack the new root on top of the old one, then drop the old one. */
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    {
      saved = errno;
      if (oldroot >= 0)
        close (oldroot);
      return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, saved,
                             "pivot_root into \"%s\"", root);
    }
  /* With shared propagation the old root's mounts are the host's peers:
     detaching them would unmount the host's too, so they become slaves
     first.  mount(2) takes "." as the cwd's own mount, the new root, not
     the old root stacked on it (umount2 does see the old root), hence the
     fchdir. */
  if (shared)
    {
      saved = fchdir (oldroot) < 0 ? errno : 0;
      close (oldroot);
      if (saved != 0)
        return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, saved,
                               "fchdir to the old root after pivot_root");
      if (mount (NULL, ".", NULL, MS_REC | MS_SLAVE, NULL) < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                               "make the old root a slave before detaching "
                               "it");
    }
  if (umount2 (".", MNT_DETACH) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                           "detach the old root after pivot_root into \"%s\"",
                           root);
  if (chdir ("/") < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                           "chdir \"/\" after pivot_root into \"%s\"", root);
  return 0;

fail_chdir:
  if (oldroot >= 0)
    close (oldroot);
  return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, saved, "chdir \"%s\"", root);
}

int
jshim_chroot (const char *root, jshim_error_t *err)
{
  if (chroot (root) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno, "chroot \"%s\"",
                           root);
  if (chdir ("/") < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                           "chdir \"/\" after chroot \"%s\"", root);
  return 0;
}

int
jshim_set_root_propagation (unsigned long propagation, jshim_error_t *err)
{
  char text[64];

  if (mount (NULL, "/", NULL, propagation, NULL) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                           "set the propagation of / to %s "
                           "(--rootfs-propagation)",
                           jshim_propagation_str (propagation, text,
                                                  sizeof (text)));
  return 0;
}

int
jshim_remount_root_readonly (jshim_error_t *err)
{
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
  struct statvfs vfs;

  if (statvfs ("/", &vfs) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                           "remount / read-only: statvfs /");
  flags |= jshim_kept_mount_flags (&vfs);
  /* No MS_REC: only the bind of the root changes, /proc stays writable. */
  if (mount (NULL, "/", NULL, flags, NULL) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                           "remount / read-only");
  return 0;
}

int
jshim_check_proc_fd (jshim_error_t *err)
{
  struct statfs sfs;

  if (statfs ("/proc/self/fd", &sfs) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                           "--masked and --readonly need /proc in the "
                           "container (a new pid namespace mounts one): "
                           "statfs /proc/self/fd");
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return jshim_fail (err, JSHIM_STAGE_MOUNT, ENOENT,
                       "--masked and --readonly need /proc in the container "
                       "(a new pid namespace mounts one): /proc/self/fd is "
                       "not on a proc filesystem");
  return 0;
}

/* "/proc/self/fd/N" for FD. */
static const char *
fd_path (int fd, char *buf, size_t cap)
{
  snprintf (buf, cap, "/proc/self/fd/%d", fd);
  return buf;
}

/* open (PATH, O_PATH | O_NOFOLLOW); ENOENT gives 0 and *FD = -1. */
static int
open_target (const char *path, const char *what, int *fd,
             jshim_error_t *err)
{
  *fd = open (path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (*fd >= 0 || errno == ENOENT)
    return 0;
  return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno, "open %s (%s)", path,
                         what);
}

int
jshim_mask_path (const char *path, jshim_error_t *err)
{
  char target[32], source[32];
  struct stat st, null_st;
  int fd, null_fd, rc = 0;

  if (open_target (path, "masked", &fd, err) < 0)
    return -1;
  if (fd < 0)
    return 0;
  if (fstat (fd, &st) < 0)
    {
      rc = jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                           "stat %s (masked)", path);
      goto out;
    }

  if (S_ISDIR (st.st_mode))
    {
      /* An empty read-only tmpfs holds nothing to exec or open, so the
         flags runc leaves off would add nothing; match its mount table. */
      if (mount ("tmpfs", fd_path (fd, target, sizeof (target)), "tmpfs",
                 MS_RDONLY, NULL)
          < 0)
        rc = jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                             "mount tmpfs over %s (masked)", path);
      goto out;
    }

  /* Only the real null device may stand in for a file. */
  null_fd = open ("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (null_fd < 0)
    {
      rc = jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                           "open /dev/null to mask %s", path);
      goto out;
    }
  if (fstat (null_fd, &null_st) < 0 || !S_ISCHR (null_st.st_mode)
      || major (null_st.st_rdev) != 1 || minor (null_st.st_rdev) != 3)
    rc = jshim_fail (err, JSHIM_STAGE_MOUNT, ENODEV,
                     "cannot mask %s: /dev/null in the container is not the "
                     "null device (character device 1:3)",
                     path);
  else if (mount (fd_path (null_fd, source, sizeof (source)),
                  fd_path (fd, target, sizeof (target)), NULL, MS_BIND, NULL)
           < 0)
    rc = jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                         "bind mount /dev/null over %s (masked)", path);
  close (null_fd);

out:
  close (fd);
  return rc;
}

int
jshim_readonly_path (const char *path, jshim_error_t *err)
{
  char target[32];
  struct statvfs vfs;
  struct stat st, top_st;
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC;
  int fd, top_fd, rc = 0;

  if (open_target (path, "readonly", &fd, err) < 0)
    return -1;
  if (fd < 0)
    return 0;
  if (fstat (fd, &st) < 0 || fstatvfs (fd, &vfs) < 0)
    {
      rc = jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                           "stat %s (readonly)", path);
      goto out;
    }
  flags |= jshim_kept_mount_flags (&vfs);

  fd_path (fd, target, sizeof (target));
  if (mount (target, target, NULL, MS_BIND | MS_REC, NULL) < 0)
    {
      rc = jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                           "bind mount %s onto itself (readonly)", path);
      goto out;
    }

  /* FD still names the covered mount: look the path up again to reach the
     new bind, and make sure it is the same file. */
  top_fd = open (path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (top_fd < 0)
    {
      rc = jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                           "open %s again after the bind mount (readonly)",
                           path);
      goto out;
    }
  if (fstat (top_fd, &top_st) < 0 || top_st.st_dev != st.st_dev
      || top_st.st_ino != st.st_ino)
    rc = jshim_fail (err, JSHIM_STAGE_MOUNT, EBUSY,
                     "%s changed during the read-only bind mount", path);
  else if (mount (NULL, fd_path (top_fd, target, sizeof (target)), NULL,
                  flags, NULL)
           < 0)
    rc = jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                         "remount %s read-only (readonly)", path);
  close (top_fd);

out:
  close (fd);
  return rc;
}
