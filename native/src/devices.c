#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "inroot.h"
#include "numbers.h"
#include "sync.h"

/* strtoul base 0 over the whole text (which starts with a digit), at most
   07777. */
static int
parse_mode (const char *text, mode_t *out)
{
  unsigned long v;
  char *end;

  if (text[0] < '0' || text[0] > '9')
    return -1;
  errno = 0;
  v = strtoul (text, &end, 0);
  if (errno != 0 || *end != '\0' || v > 07777)
    return -1;
  *out = (mode_t) v;
  return 0;
}

int
jshim_parse_device (char *const values[JSHIM_DEVICE_NVALUES],
                    struct jshim_device *out, jshim_error_t *err)
{
  static const char *const id_names[] = { "UID", "GID" };
  struct jshim_device d;
  const char *path = values[0], *type = values[1];
  uint64_t v;
  int k;

  memset (&d, 0, sizeof (d));
  d.path = path;
  if (path[0] != '/' || strlen (path) >= PATH_MAX)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --device PATH \"%s\": expected an absolute "
                       "path inside the container",
                       path);
  if (strlen (type) != 1 || strchr ("cbup", type[0]) == NULL)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --device TYPE \"%s\" for \"%s\": expected c "
                       "(character), b (block), u (= c) or p (fifo)",
                       type, path);
  d.type = type[0] == 'u' ? 'c' : type[0];
  if (jshim_parse_decimal (values[2], strlen (values[2]),
                           JSHIM_DEVICE_MAJOR_MAX, &v)
      < 0)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --device MAJOR \"%s\" for \"%s\": expected a "
                       "decimal number from 0 to %u",
                       values[2], path, JSHIM_DEVICE_MAJOR_MAX);
  d.major = (unsigned) v;
  if (jshim_parse_decimal (values[3], strlen (values[3]),
                           JSHIM_DEVICE_MINOR_MAX, &v)
      < 0)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --device MINOR \"%s\" for \"%s\": expected a "
                       "decimal number from 0 to %u",
                       values[3], path, JSHIM_DEVICE_MINOR_MAX);
  d.minor = (unsigned) v;

  if (parse_mode (values[4], &d.perm) < 0)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --device MODE \"%s\" for \"%s\": expected "
                       "permission bits from 0 to 07777, e.g. 0666",
                       values[4], path);

  for (k = 0; k < 2; k++)
    {
      if (jshim_parse_decimal (values[5 + k], strlen (values[5 + k]),
                               0xfffffffeU, &v)
          < 0)
        return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                           "invalid --device %s \"%s\" for \"%s\": expected "
                           "a decimal number from 0 to 4294967294",
                           id_names[k], values[5 + k], path);
      if (k == 0)
        d.uid = (uid_t) v;
      else
        d.gid = (gid_t) v;
    }
  *out = d;
  return 0;
}

static const char *
type_text (char type)
{
  switch (type)
    {
    case 'c': return "character device";
    case 'b': return "block device";
    default: return "fifo";
    }
}

static mode_t
type_mode (char type)
{
  switch (type)
    {
    case 'c': return S_IFCHR;
    case 'b': return S_IFBLK;
    default: return S_IFIFO;
    }
}

/* "/proc/self/fd/N" for FD. */
static const char *
fd_path (int fd, char *buf, size_t cap)
{
  snprintf (buf, cap, "/proc/self/fd/%d", fd);
  return buf;
}

/* A user namespace may not mknod devices: bind the host's node at the same
   path onto an empty file instead. */
static int
bind_host_node (int parent, const char *name, const struct jshim_device *d,
                jshim_error_t *err)
{
  char src[32], dst[32];
  struct stat st;
  int host, fd = -1, rc = -1;

  host = open (d->path, O_PATH | O_CLOEXEC);
  if (host < 0 || fstat (host, &st) < 0)
    {
      jshim_fail_sys (err, JSHIM_STAGE_DEVICES, errno,
                      "open the host's %s to bind it into the user "
                      "namespace (mknod is not allowed there)",
                      d->path);
      goto out;
    }
  if ((st.st_mode & S_IFMT) != type_mode (d->type)
      || st.st_rdev != makedev (d->major, d->minor))
    {
      jshim_fail (err, JSHIM_STAGE_DEVICES, ENODEV,
                  "the host's %s is not a %s %u:%u, so it cannot stand in "
                  "for it in the user namespace (mknod is not allowed "
                  "there)",
                  d->path, type_text (d->type), d->major, d->minor);
      goto out;
    }
  if (mknodat (parent, name, S_IFREG | 0644, 0) < 0)
    {
      if (errno == EEXIST)
        rc = 0;
      else
        jshim_fail_sys (err, JSHIM_STAGE_DEVICES, errno,
                        "create %s (an empty file to bind the host's node "
                        "onto)",
                        d->path);
      goto out;
    }
  fd = openat (parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0
      || mount (fd_path (host, src, sizeof (src)),
                fd_path (fd, dst, sizeof (dst)), NULL, MS_BIND, NULL)
             < 0)
    {
      jshim_fail_sys (err, JSHIM_STAGE_DEVICES, errno,
                      "bind mount the host's %s onto %s in the root",
                      d->path, d->path);
      goto out;
    }
  rc = 0;

out:
  if (host >= 0)
    close (host);
  if (fd >= 0)
    close (fd);
  return rc;
}

int
jshim_create_device (int rootfd, const struct jshim_device *d,
                     bool in_userns, jshim_error_t *err)
{
  char name[NAME_MAX + 1];
  int parent, rc = 0;

  parent = jshim_inroot_parent (rootfd, d->path, 1, name, sizeof (name));
  if (parent < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_DEVICES, errno,
                           "create device %s: resolve its directory inside "
                           "the root",
                           d->path);
  if (in_userns && d->type != 'p')
    rc = bind_host_node (parent, name, d, err);
  else if (mknodat (parent, name, type_mode (d->type) | d->perm,
                    makedev (d->major, d->minor))
           < 0)
    {
      if (errno != EEXIST)
        rc = jshim_fail_sys (err, JSHIM_STAGE_DEVICES, errno,
                             "mknod %s (%s %u:%u, mode 0%o)", d->path,
                             type_text (d->type), d->major, d->minor,
                             (unsigned) d->perm);
    }
  else if (fchownat (parent, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
    rc = jshim_fail_sys (err, JSHIM_STAGE_DEVICES, errno,
                         "chown %s to %u:%u", d->path, (unsigned) d->uid,
                         (unsigned) d->gid);
  close (parent);
  return rc;
}

int
jshim_create_dev_links (int rootfd, jshim_error_t *err)
{
  static const struct
  {
    const char *name;
    const char *target;
  } links[] = {
    { "fd", "/proc/self/fd" },
    { "stdin", "/proc/self/fd/0" },
    { "stdout", "/proc/self/fd/1" },
    { "stderr", "/proc/self/fd/2" },
    { "core", "/proc/kcore" },
  };
  size_t i;
  int devfd, fd, rc = -1;

  devfd = jshim_inroot_mkpath (rootfd, "/dev", JSHIM_INROOT_DIR);
  if (devfd < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_DEVICES, errno,
                           "--dev-links: resolve /dev inside the root");
  for (i = 0; i < sizeof (links) / sizeof (links[0]); i++)
    {
      if (strcmp (links[i].name, "core") == 0
          && access (links[i].target, F_OK) < 0)
        continue;
      if (symlinkat (links[i].target, devfd, links[i].name) < 0
          && errno != EEXIST)
        {
          jshim_fail_sys (err, JSHIM_STAGE_DEVICES, errno,
                          "--dev-links: symlink /dev/%s -> %s",
                          links[i].name, links[i].target);
          goto out;
        }
    }

  /* A devpts of its own (newinstance) has its ptmx inside; /dev/ptmx must
     lead there, not to the host's. */
  fd = jshim_inroot_open (rootfd, "/dev/pts/ptmx");
  if (fd < 0 && errno != ENOENT)
    {
      jshim_fail_sys (err, JSHIM_STAGE_DEVICES, errno,
                      "--dev-links: look up /dev/pts/ptmx inside the root");
      goto out;
    }
  if (fd >= 0)
    {
      close (fd);
      if (unlinkat (devfd, "ptmx", 0) < 0 && errno != ENOENT)
        {
          jshim_fail_sys (err, JSHIM_STAGE_DEVICES, errno,
                          "--dev-links: remove /dev/ptmx to replace it with "
                          "a symlink to pts/ptmx");
          goto out;
        }
      if (symlinkat ("pts/ptmx", devfd, "ptmx") < 0)
        {
          jshim_fail_sys (err, JSHIM_STAGE_DEVICES, errno,
                          "--dev-links: symlink /dev/ptmx -> pts/ptmx");
          goto out;
        }
    }
  rc = 0;

out:
  close (devfd);
  return rc;
}
