/*
 * The delete action: DeleteResponse encoding and the cleanup steps (see
 * shim_delete.h).
 */
#include "shim_delete.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mount.h>

static size_t
put_varint (uint8_t *buf, uint64_t v)
{
  size_t n = 0;

  while (v >= 0x80)
    {
      buf[n++] = (uint8_t) (v | 0x80);
      v >>= 7;
    }
  buf[n++] = (uint8_t) v;
  return n;
}

/* Tag byte of field NUMBER (< 16) with wire type WIRE. */
static uint8_t
tag (unsigned number, unsigned wire)
{
  return (uint8_t) (number << 3 | wire);
}

size_t
jshim_delete_response_encode (uint32_t pid, uint32_t exit_status,
                              int64_t seconds, int32_t nanos,
                              uint8_t buf[JSHIM_DELETE_RESPONSE_MAX])
{
  uint8_t ts[JSHIM_DELETE_RESPONSE_MAX];
  size_t n = 0, tn = 0, i;

  if (pid != 0)
    {
      buf[n++] = tag (1, 0);
      n += put_varint (buf + n, pid);
    }
  if (exit_status != 0)
    {
      buf[n++] = tag (2, 0);
      n += put_varint (buf + n, exit_status);
    }
  /* Timestamp: int64 and int32 are varints of the two's complement
     64-bit value (a negative int32 takes 10 bytes). */
  if (seconds != 0)
    {
      ts[tn++] = tag (1, 0);
      tn += put_varint (ts + tn, (uint64_t) seconds);
    }
  if (nanos != 0)
    {
      ts[tn++] = tag (2, 0);
      tn += put_varint (ts + tn, (uint64_t) (int64_t) nanos);
    }
  /* exited_at is a message field: sent even when empty (it is set). */
  buf[n++] = tag (3, 2);
  n += put_varint (buf + n, tn);
  for (i = 0; i < tn; i++)
    buf[n++] = ts[i];
  return n;
}

int
jshim_delete_unmount_rootfs (const char *bundle, jshim_error_t *err)
{
  char path[PATH_MAX];
  int i;

  if (snprintf (path, sizeof (path), "%s/rootfs", bundle)
      >= (int) sizeof (path))
    return jshim_fail (err, 0, ENAMETOOLONG, "rootfs path too long: %s/rootfs",
                       bundle);
  /* Several mounts may be stacked there; each umount2 removes the top. */
  for (i = 0; i < 64; i++)
    {
      if (umount2 (path, MNT_DETACH) == 0)
        continue;
      if (errno == EINVAL || errno == ENOENT)
        return 0;
      return jshim_fail_sys (err, 0, errno, "unmount %s", path);
    }
  return jshim_fail (err, 0, EBUSY, "unmount %s: still a mount point after "
                     "64 unmounts", path);
}

int
jshim_delete_cleanup_container (const char *bundle, const char *namespace,
                                const char *id, jshim_error_t *err)
{
  /* Later: find the container's cgroup (from BUNDLE/config.json or the
     daemon's state dir), kill what is left in it and remove it, and drop
     the container from the daemon's state.  Nothing of that exists yet. */
  (void) bundle;
  (void) namespace;
  (void) id;
  jshim_error_clear (err);
  return 0;
}
