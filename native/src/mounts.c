#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "inroot.h"
#include "mount_flags.h"
#include "sync.h"

#define PROPAGATION_EXPECTED                                                \
  "0 or one of MS_PRIVATE (0x40000), MS_SLAVE (0x80000), MS_SHARED "       \
  "(0x100000), MS_UNBINDABLE (0x20000), optionally | MS_REC (0x4000)"

/* strtoul base 0 over the whole text, which must start with a digit. */
static int
parse_flags (const char *text, unsigned long *out)
{
  char *end;
  unsigned long v;

  if (text[0] < '0' || text[0] > '9')
    return -1;
  errno = 0;
  v = strtoul (text, &end, 0);
  if (errno != 0 || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

static bool
valid_propagation (unsigned long v)
{
  unsigned long type = v & ~(unsigned long) MS_REC;

  if (v == 0)
    return true;
  return type != 0 && (type & ~(unsigned long) JSHIM_PROPAGATION_TYPES) == 0
         && (type & (type - 1)) == 0;
}

int
jshim_parse_mount (char *const values[JSHIM_MOUNT_NVALUES],
                   struct jshim_mount *out, jshim_error_t *err)
{
  struct jshim_mount m;
  const char *flags_text = values[3], *prop_text = values[4];

  memset (&m, 0, sizeof (m));
  m.type = values[0];
  m.source = values[1];
  m.target = values[2];
  m.data = values[5][0] ? values[5] : NULL;

  if (m.target[0] != '/' || strlen (m.target) >= PATH_MAX)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --mount TARGET \"%s\": expected an absolute "
                       "path inside the container",
                       m.target);
  if (parse_flags (flags_text, &m.flags) < 0)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --mount FLAGS \"%s\" (target \"%s\"): "
                       "expected an MS_* mask as a number, e.g. 0x1000 "
                       "for MS_BIND",
                       flags_text, m.target);
  if (m.flags & JSHIM_PROPAGATION_TYPES)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --mount FLAGS \"%s\" (target \"%s\"): "
                       "MS_PRIVATE, MS_SLAVE, MS_SHARED and MS_UNBINDABLE "
                       "belong in PROPAGATION, not in FLAGS",
                       flags_text, m.target);
  if (parse_flags (prop_text, &m.propagation) < 0
      || !valid_propagation (m.propagation))
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --mount PROPAGATION \"%s\" (target \"%s\"): "
                       "expected " PROPAGATION_EXPECTED,
                       prop_text, m.target);

  if (m.flags & MS_REMOUNT)
    m.kind = JSHIM_MOUNT_REMOUNT;
  else if (m.flags & MS_BIND)
    {
      m.kind = JSHIM_MOUNT_BIND;
      if (m.source[0] != '/' || strlen (m.source) >= PATH_MAX)
        return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                           "invalid --mount SOURCE \"%s\" of a bind mount "
                           "(target \"%s\"): expected an absolute host path",
                           m.source, m.target);
    }
  else
    {
      m.kind = JSHIM_MOUNT_NEW;
      if (m.type[0] == '\0')
        return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                           "invalid --mount TYPE \"\" (target \"%s\"): a "
                           "filesystem type is needed unless FLAGS has "
                           "MS_BIND (0x1000) or MS_REMOUNT (0x20)",
                           m.target);
    }
  *out = m;
  return 0;
}

int
jshim_parse_rootfs_propagation (const char *text, unsigned long *out,
                                jshim_error_t *err)
{
  unsigned long v;

  if (parse_flags (text, &v) < 0 || !valid_propagation (v))
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --rootfs-propagation \"%s\": expected "
                       PROPAGATION_EXPECTED ", e.g. 0x84000 for "
                       "MS_REC|MS_SLAVE",
                       text);
  *out = v;
  return 0;
}

/* "/proc/self/fd/N" for FD. */
static const char *
fd_path (int fd, char *buf, size_t cap)
{
  snprintf (buf, cap, "/proc/self/fd/%d", fd);
  return buf;
}

/*
 * Stage MOUNT with the mount named first, then STEP (printf style, may be
 * NULL): `mount tmpfs "tmpfs" on "/dev": STEP: strerror`.
 */
__attribute__ ((format (printf, 4, 5))) static int
fail_mount (jshim_error_t *err, int errnum, const struct jshim_mount *m,
            const char *step, ...)
{
  char what[JSHIM_ERROR_MSG_MAX + 1], detail[JSHIM_ERROR_MSG_MAX + 1];
  va_list ap;

  switch (m->kind)
    {
    case JSHIM_MOUNT_BIND:
      snprintf (what, sizeof (what), "mount bind \"%s\" on \"%s\"",
                m->source, m->target);
      break;
    case JSHIM_MOUNT_REMOUNT:
      snprintf (what, sizeof (what), "remount \"%s\" with flags 0x%lx",
                m->target, m->flags);
      break;
    default:
      snprintf (what, sizeof (what), "mount %s \"%s\" on \"%s\"", m->type,
                m->source, m->target);
      break;
    }
  if (step == NULL)
    return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errnum, "%s", what);
  va_start (ap, step);
  vsnprintf (detail, sizeof (detail), step, ap);
  va_end (ap);
  return jshim_fail_sys (err, JSHIM_STAGE_MOUNT, errnum, "%s: %s", what,
                         detail);
}

/* Flags the kernel may lock on a mount seen from a user namespace: a
   remount that leaves them out is refused with EPERM. */
static unsigned long
locked_flags (int fd)
{
  struct statvfs vfs;
  unsigned long flags;

  if (fstatvfs (fd, &vfs) < 0)
    return 0;
  flags = jshim_kept_mount_flags (&vfs);
  if (vfs.f_flag & ST_RDONLY)
    flags |= MS_RDONLY;
  if (vfs.f_flag & ST_NOATIME)
    flags |= MS_NOATIME;
  if (vfs.f_flag & ST_NODIRATIME)
    flags |= MS_NODIRATIME;
  if (vfs.f_flag & ST_RELATIME)
    flags |= MS_RELATIME;
  return flags;
}

/* The second step of a bind mount with flags: the target, looked up again,
   is now the new bind. */
static int
remount_bind (int rootfd, const struct jshim_mount *m, jshim_error_t *err)
{
  unsigned long flags
      = MS_REMOUNT | MS_BIND | (m->flags & JSHIM_BIND_REMOUNT_FLAGS);
  char dst[32];
  int fd, rc = 0;

  fd = jshim_inroot_open (rootfd, m->target);
  if (fd < 0)
    return fail_mount (err, errno, m,
                       "look up the target again for the remount");
  fd_path (fd, dst, sizeof (dst));
  if (mount (NULL, dst, NULL, flags, NULL) < 0)
    {
      int saved = errno;
      unsigned long more = flags | locked_flags (fd);

      if (saved != EPERM || more == flags)
        rc = fail_mount (err, saved, m, "remount with flags 0x%lx", flags);
      else if (mount (NULL, dst, NULL, more, NULL) < 0)
        rc = fail_mount (err, errno, m, "remount with flags 0x%lx", more);
    }
  close (fd);
  return rc;
}

static int
set_propagation (int rootfd, const struct jshim_mount *m, jshim_error_t *err)
{
  char dst[32], text[64];
  int fd, rc = 0;

  fd = jshim_inroot_open (rootfd, m->target);
  if (fd < 0)
    return fail_mount (err, errno, m,
                       "look up the target again for the propagation");
  if (mount (NULL, fd_path (fd, dst, sizeof (dst)), NULL, m->propagation,
             NULL)
      < 0)
    rc = fail_mount (err, errno, m, "set propagation %s",
                     jshim_propagation_str (m->propagation, text,
                                            sizeof (text)));
  close (fd);
  return rc;
}

int
jshim_do_mount (int rootfd, const struct jshim_mount *m, jshim_error_t *err)
{
  char src[32], dst[32];
  struct stat st;
  int srcfd = -1, fd = -1, rc = -1;

  switch (m->kind)
    {
    case JSHIM_MOUNT_BIND:
      srcfd = open (m->source, O_PATH | O_CLOEXEC);
      if (srcfd < 0 || fstat (srcfd, &st) < 0)
        {
          fail_mount (err, errno, m, "open the source");
          goto out;
        }
      fd = jshim_inroot_mkpath (rootfd, m->target,
                                S_ISDIR (st.st_mode) ? JSHIM_INROOT_DIR
                                                     : JSHIM_INROOT_FILE);
      if (fd < 0)
        {
          fail_mount (err, errno, m, "resolve the target inside the root");
          goto out;
        }
      if (mount (fd_path (srcfd, src, sizeof (src)),
                 fd_path (fd, dst, sizeof (dst)), NULL,
                 MS_BIND | (m->flags & MS_REC), NULL)
          < 0)
        {
          fail_mount (err, errno, m, NULL);
          goto out;
        }
      if ((m->flags & JSHIM_BIND_REMOUNT_FLAGS)
          && remount_bind (rootfd, m, err) < 0)
        goto out;
      break;

    case JSHIM_MOUNT_REMOUNT:
      fd = jshim_inroot_open (rootfd, m->target);
      if (fd < 0)
        {
          fail_mount (err, errno, m, "resolve the target inside the root");
          goto out;
        }
      if (mount (NULL, fd_path (fd, dst, sizeof (dst)), NULL, m->flags,
                 m->data)
          < 0)
        {
          fail_mount (err, errno, m, NULL);
          goto out;
        }
      break;

    default:
      fd = jshim_inroot_mkpath (rootfd, m->target, JSHIM_INROOT_DIR);
      if (fd < 0)
        {
          fail_mount (err, errno, m, "resolve the target inside the root");
          goto out;
        }
      if (mount (m->source[0] ? m->source : NULL,
                 fd_path (fd, dst, sizeof (dst)), m->type,
                 m->flags & ~(unsigned long) MS_REC, m->data)
          < 0)
        {
          fail_mount (err, errno, m, NULL);
          goto out;
        }
      break;
    }

  if (m->propagation != 0 && set_propagation (rootfd, m, err) < 0)
    goto out;
  rc = 0;

out:
  if (srcfd >= 0)
    close (srcfd);
  if (fd >= 0)
    close (fd);
  return rc;
}
