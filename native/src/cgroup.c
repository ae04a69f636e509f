#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sync.h"

int
jshim_check_cgroup_dir (const char *dir, jshim_error_t *err)
{
  if (dir[0] != '/' || strlen (dir) + sizeof ("/cgroup.procs") > PATH_MAX)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --cgroup \"%s\": expected the absolute path "
                       "of a cgroup directory, e.g. "
                       "/sys/fs/cgroup/pids/mycontainer",
                       dir);
  return 0;
}

int
jshim_enter_cgroup (const char *dir, jshim_error_t *err)
{
  char path[PATH_MAX], pid[16];
  ssize_t n;
  int fd, len, saved;

  snprintf (path, sizeof (path), "%s/cgroup.procs", dir);
  len = snprintf (pid, sizeof (pid), "%d\n", (int) getpid ());
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_CGROUP, errno,
                           "write pid %d to %s (open)", (int) getpid (),
                           path);
  do
    n = write (fd, pid, (size_t) len);
  while (n < 0 && errno == EINTR);
  saved = n < 0 ? errno : EIO;
  close (fd);
  if (n != len)
    return jshim_fail_sys (err, JSHIM_STAGE_CGROUP, saved,
                           "write pid %d to %s", (int) getpid (), path);
  return 0;
}
