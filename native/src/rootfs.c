#include "rootfs.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sync.h"

int
jshim_make_root_private (jshim_error_t *err)
{
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errno,
                           "make / recursively private");
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

static int
pivot_into (const char *root, int ns_flags, jshim_error_t *err)
{
  if (mount (root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                           "bind mount \"%s\" onto itself", root);

  if (ns_flags & CLONE_NEWPID)
    {
      char proc[PATH_MAX];
      int n = snprintf (proc, sizeof (proc), "%s/proc", root);

      if (n < 0 || (size_t) n >= sizeof (proc))
        return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, ENAMETOOLONG,
                               "mount proc under \"%s\"", root);
      if (jshim_mount_proc (proc, err) < 0)
        return -1;
    }

  if (chdir (root) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno, "chdir \"%s\"",
                           root);
  /* Stack the new root on top of the old one, then drop the old one. */
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                           "pivot_root into \"%s\"", root);
  if (umount2 (".", MNT_DETACH) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                           "detach the old root after pivot_root into \"%s\"",
                           root);
  if (chdir ("/") < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                           "chdir \"/\" after pivot_root into \"%s\"", root);
  return 0;
}

int
jshim_setup_rootfs (const char *root, int ns_flags, jshim_error_t *err)
{
  if (root != NULL)
    {
      if (ns_flags & CLONE_NEWNS)
        return pivot_into (root, ns_flags, err);

      if (chroot (root) < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                               "chroot \"%s\"", root);
      if (chdir ("/") < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                               "chdir \"/\" after chroot \"%s\"", root);
      return 0;
    }

  if ((ns_flags & CLONE_NEWNS) && (ns_flags & CLONE_NEWPID))
    return jshim_mount_proc ("/proc", err);
  return 0;
}
