#include "mount_flags.h"

#include <stdio.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

const char *
jshim_propagation_str (unsigned long flags, char *buf, size_t cap)
{
  static const struct
  {
    unsigned long flag;
    const char *name;
  } names[] = {
    { MS_REC, "MS_REC" },         { MS_PRIVATE, "MS_PRIVATE" },
    { MS_SLAVE, "MS_SLAVE" },     { MS_SHARED, "MS_SHARED" },
    { MS_UNBINDABLE, "MS_UNBINDABLE" },
  };
  size_t used = 0, i;
  int n;

  if (cap == 0)
    return buf;
  buf[0] = '\0';
  for (i = 0; i < sizeof (names) / sizeof (names[0]); i++)
    if (flags & names[i].flag)
      {
        n = snprintf (buf + used, cap - used, "%s%s", used ? "|" : "",
                      names[i].name);
        if (n < 0 || (size_t) n >= cap - used)
          return buf;
        used += (size_t) n;
        flags &= ~names[i].flag;
      }
  if (flags != 0 || used == 0)
    snprintf (buf + used, cap - used, "%s0x%lx", used ? "|" : "", flags);
  return buf;
}

unsigned long
jshim_kept_mount_flags (const struct statvfs *vfs)
{
  unsigned long flags = 0;

  if (vfs->f_flag & ST_NOSUID)
    flags |= MS_NOSUID;
  if (vfs->f_flag & ST_NODEV)
    flags |= MS_NODEV;
  if (vfs->f_flag & ST_NOEXEC)
    flags |= MS_NOEXEC;
  return flags;
}
