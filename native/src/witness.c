#include "witness.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
jshim_write_file_atomic (const char *dir, const char *name,
                         const char *content, jshim_error_t *err)
{
  char path[PATH_MAX], tmp[PATH_MAX];
  size_t len = strlen (content), done = 0;
  int fd;

  if (snprintf (path, sizeof (path), "%s/%s", dir, name) >= (int) sizeof (path)
      || snprintf (tmp, sizeof (tmp), "%s/.%s.%ld.tmp", dir, name,
                   (long) getpid ()) >= (int) sizeof (tmp))
    return jshim_fail (err, 0, ENAMETOOLONG, "%s/%s: too long", dir, name);
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return jshim_fail_sys (err, 0, errno, "create %s", tmp);
  while (done < len)
    {
      ssize_t n = write (fd, content + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          unlink (tmp);
          return jshim_fail_sys (err, 0, saved, "write %s", tmp);
        }
      done += (size_t) n;
    }
  if (fsync (fd) < 0 || close (fd) < 0)
    {
      int saved = errno;

      unlink (tmp);
      return jshim_fail_sys (err, 0, saved, "sync %s", tmp);
    }
  if (rename (tmp, path) < 0)
    {
      int saved = errno;

      unlink (tmp);
      return jshim_fail_sys (err, 0, saved, "rename %s to %s", tmp, path);
    }
  return 0;
}

int
jshim_witness_write_exit (const char *task_dir, const char *exec_id,
                          long pid, long long start, int status,
                          long long nanos, jshim_error_t *err)
{
  char line[128], name[NAME_MAX + 1];

  if (snprintf (name, sizeof (name), "%s%s%s", JSHIM_WITNESSED_EXIT_FILE,
                *exec_id ? "." : "", exec_id) >= (int) sizeof (name))
    return jshim_fail (err, 0, ENAMETOOLONG, "exec id %s: too long", exec_id);
  snprintf (line, sizeof (line), "%ld %lld %d %lld\n", pid, start, status,
            nanos);
  return jshim_write_file_atomic (task_dir, name, line, err);
}
