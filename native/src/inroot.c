#include "inroot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Upper bound on create-or-follow rounds, so that a root that keeps
   changing under us cannot keep us busy forever. */
#define MAX_ROUNDS 4096

int
jshim_inroot_open (int rootfd, const char *path)
{
  struct open_how how;

  memset (&how, 0, sizeof (how));
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return (int) syscall (SYS_openat2, rootfd, *path ? path : "/", &how,
                        sizeof (how));
}

/* The component of PATH at or after POS as [*START, *END); 0 if none. */
static int
next_component (const char *path, size_t pos, size_t *start, size_t *end)
{
  while (path[pos] == '/')
    pos++;
  if (path[pos] == '\0')
    return 0;
  *start = pos;
  while (path[pos] != '\0' && path[pos] != '/')
    pos++;
  *end = pos;
  return 1;
}

/* The end of the component before the one that ends at END in PATH (0:
   the root). */
static size_t
parent_end (const char *path, size_t end)
{
  while (end > 0 && path[end - 1] != '/')
    end--;
  while (end > 0 && path[end - 1] == '/')
    end--;
  return end;
}

/* Open the first LEN bytes of PATH inside the root (the root itself for
   LEN 0). */
static int
open_prefix (int rootfd, const char *path, size_t len)
{
  char buf[PATH_MAX];

  memcpy (buf, path, len);
  buf[len] = '\0';
  return jshim_inroot_open (rootfd, buf);
}

int
jshim_inroot_mkpath (int rootfd, const char *path,
                     enum jshim_inroot_last last)
{
  char cur[PATH_MAX], next[PATH_MAX], link[PATH_MAX];
  int links = 0, rounds;

  if (strlen (path) >= sizeof (cur))
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  strcpy (cur, path);

  for (rounds = 0; rounds < MAX_ROUNDS; rounds++)
    {
      char name[NAME_MAX + 1];
      size_t parent_len, start = 0, end, s2, e2;
      int fd, parent, rc, saved, n;
      bool is_last;

      fd = jshim_inroot_open (rootfd, cur);
      if (fd >= 0 || errno != ENOENT)
        return fd;

      /* Find the deepest prefix that exists, from the end: mount points
         are mostly made one component below a directory that is there, so
         this is one lookup where a walk from the root costs one per
         component. */
      end = strlen (cur);
      while (end > 0 && cur[end - 1] == '/')
        end--;
      parent_len = end;
      do
        {
          parent_len = parent_end (cur, parent_len);
          parent = open_prefix (rootfd, cur, parent_len);
        }
      while (parent < 0 && errno == ENOENT && parent_len > 0);
      if (parent < 0)
        return -1;
      /* The component after it is missing (the whole path did not resolve,
         so there is one). */
      if (!next_component (cur, parent_len, &start, &end))
        {
          close (parent);
          continue; /* changed under us: look again */
        }
      if (end - start > NAME_MAX)
        {
          close (parent);
          errno = ENAMETOOLONG;
          return -1;
        }
      memcpy (name, cur + start, end - start);
      name[end - start] = '\0';
      is_last = !next_component (cur, end, &s2, &e2);

      if (is_last && last == JSHIM_INROOT_FILE)
        rc = mknodat (parent, name, S_IFREG | 0644, 0);
      else
        rc = mkdirat (parent, name, 0755);
      if (rc == 0 || errno != EEXIST)
        {
          saved = errno;
          close (parent);
          if (rc < 0)
            {
              errno = saved;
              return -1;
            }
          continue;
        }

      /* The name is taken yet does not resolve: a dangling symlink.  Its
         target is created in its place, inside the root. */
      n = (int) readlinkat (parent, name, link, sizeof (link) - 1);
      saved = errno;
      close (parent);
      if (n < 0)
        {
          if (saved == EINVAL)
            continue; /* not a symlink (any more): look again */
          errno = saved;
          return -1;
        }
      link[n] = '\0';
      if (++links > JSHIM_INROOT_MAX_LINKS)
        {
          errno = ELOOP;
          return -1;
        }
      if (link[0] == '/')
        n = snprintf (next, sizeof (next), "%s%s", link, cur + end);
      else
        n = snprintf (next, sizeof (next), "%.*s/%s%s", (int) parent_len,
                      cur, link, cur + end);
      if (n < 0 || (size_t) n >= sizeof (next))
        {
          errno = ENAMETOOLONG;
          return -1;
        }
      memcpy (cur, next, (size_t) n + 1);
    }
  errno = ELOOP;
  return -1;
}

int
jshim_inroot_parent (int rootfd, const char *path, int create, char *name,
                     size_t cap)
{
  char dir[PATH_MAX];
  size_t len = strlen (path), slash, nlen;

  while (len > 0 && path[len - 1] == '/')
    len--;
  slash = len;
  while (slash > 0 && path[slash - 1] != '/')
    slash--;
  nlen = len - slash;
  if (nlen == 0 || (nlen == 1 && path[slash] == '.')
      || (nlen == 2 && path[slash] == '.' && path[slash + 1] == '.'))
    {
      errno = EINVAL;
      return -1;
    }
  if (nlen >= cap || slash >= sizeof (dir))
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  memcpy (name, path + slash, nlen);
  name[nlen] = '\0';
  memcpy (dir, path, slash);
  dir[slash] = '\0';
  if (create)
    return jshim_inroot_mkpath (rootfd, dir, JSHIM_INROOT_DIR);
  return jshim_inroot_open (rootfd, dir);
}
