#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ns.h"
#include "numbers.h"
#include "sync.h"

#define IDMAP_EXPECTED                                                      \
  "expected CONTAINER:HOST:COUNT[,CONTAINER:HOST:COUNT...] with decimal "   \
  "numbers, e.g. 0:100000:65536"

/* One C:H:N entry in [TEXT, TEXT+LEN). */
static int
parse_entry (const char *text, size_t len, struct jshim_idmap_entry *out)
{
  const char *end = text + len;
  const char *c1 = memchr (text, ':', len);
  const char *c2 = c1 ? memchr (c1 + 1, ':', (size_t) (end - c1 - 1)) : NULL;
  uint64_t inner, outer, count;

  if (c2 == NULL
      || jshim_parse_decimal (text, (size_t) (c1 - text), UINT32_MAX, &inner)
             < 0
      || jshim_parse_decimal (c1 + 1, (size_t) (c2 - c1 - 1), UINT32_MAX,
                              &outer)
             < 0
      || jshim_parse_decimal (c2 + 1, (size_t) (end - c2 - 1), UINT32_MAX,
                              &count)
             < 0)
    return -1;
  out->inner = (uint32_t) inner;
  out->outer = (uint32_t) outer;
  out->count = (uint32_t) count;
  return 0;
}

int
jshim_parse_idmap (const char *opt, const char *text,
                   struct jshim_idmap *out, jshim_error_t *err)
{
  struct jshim_idmap map;
  const char *p = text;

  memset (&map, 0, sizeof (map));
  map.text = text;
  for (;;)
    {
      const char *comma = strchr (p, ',');
      size_t len = comma ? (size_t) (comma - p) : strlen (p);
      struct jshim_idmap_entry e;

      if (map.n == JSHIM_IDMAP_MAX)
        return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                           "invalid %s \"%s\": at most %d entries are "
                           "allowed",
                           opt, text, JSHIM_IDMAP_MAX);
      if (parse_entry (p, len, &e) < 0)
        return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                           "invalid %s \"%s\": entry \"%.*s\" is not "
                           "C:H:N (" IDMAP_EXPECTED ")",
                           opt, text, (int) len, p);
      if (e.count == 0)
        return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                           "invalid %s \"%s\": entry \"%.*s\" has COUNT 0 "
                           "(expected at least 1)",
                           opt, text, (int) len, p);
      if ((uint64_t) e.inner + e.count > (uint64_t) UINT32_MAX + 1
          || (uint64_t) e.outer + e.count > (uint64_t) UINT32_MAX + 1)
        return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                           "invalid %s \"%s\": entry \"%.*s\" reaches past "
                           "id 4294967295",
                           opt, text, (int) len, p);
      map.e[map.n++] = e;
      if (comma == NULL)
        break;
      p = comma + 1;
    }
  *out = map;
  return 0;
}

int
jshim_write_idmap (int procfd, pid_t pid, const char *kind,
                   const struct jshim_idmap *map, jshim_error_t *err)
{
  char file[64], buf[JSHIM_IDMAP_MAX * 36];
  size_t used = 0, i;
  ssize_t n;
  int fd, saved;

  snprintf (file, sizeof (file), "%d/%s_map", (int) pid, kind);
  for (i = 0; i < map->n; i++)
    used += (size_t) snprintf (buf + used, sizeof (buf) - used, "%u %u %u\n",
                               map->e[i].inner, map->e[i].outer,
                               map->e[i].count);
  fd = openat (procfd, file, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_USERNS, errno,
                           "write %s map \"%s\" to /proc/%s (open)", kind,
                           map->text, file);
  n = write (fd, buf, used);
  saved = errno;
  close (fd);
  if (n < 0 || (size_t) n != used)
    return jshim_fail_sys (err, JSHIM_STAGE_USERNS, n < 0 ? saved : EIO,
                           "write %s map \"%s\" to /proc/%s", kind,
                           map->text, file);
  return 0;
}

int
jshim_userns_wait (int rfd, int wfd)
{
  char byte;
  ssize_t n;

  close (wfd);
  do
    n = read (rfd, &byte, 1);
  while (n < 0 && errno == EINTR);
  close (rfd);
  return n == 1 ? 0 : -1;
}

int
jshim_userns_become_root (int unshare_flags, jshim_error_t *err)
{
  char flags_text[128];

  if (setresuid (0, 0, 0) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_USERNS, errno,
                           "become root in the user namespace: setresuid "
                           "0 (container uid 0 must be mapped)");
  /*
   * What the kernel makes along with a namespace belongs to the creator's
   * ids of the moment: the root of the ipc namespace's mqueue filesystem,
   * for one.  Made now, with uid 0 of the namespace and the gid still the
   * unmapped host one, it shows 0:65534 inside, as under runc (made by the
   * clone, as the host's root, it would show 65534:65534).
   */
  if (unshare_flags != 0 && unshare (unshare_flags) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_CLONE, errno,
                           "unshare %s in the new user namespace",
                           jshim_clone_flags_str (unshare_flags, flags_text,
                                                  sizeof (flags_text)));
  if (setresgid (0, 0, 0) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_USERNS, errno,
                           "become root in the user namespace: setresgid "
                           "0 (container gid 0 must be mapped)");
  return 0;
}
