#include "task_files.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

long long
jshim_proc_start_time (long pid)
{
  char path[64], buf[1024], *p;
  int fd, field;
  ssize_t n;

  snprintf (path, sizeof (path), "/proc/%ld/stat", pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read (fd, buf, sizeof (buf) - 1);
  close (fd);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  /* the command name may hold spaces and ')': fields start after the
     last ')' */
  p = strrchr (buf, ')');
  if (p == NULL)
    return -1;
  /* p + 1 is the space before field 3; each step moves to the next one */
  for (field = 2; field < 22 && p != NULL; field++)
    p = strchr (p + 1, ' ');
  return p == NULL ? -1 : strtoll (p + 1, NULL, 10);
}

int
jshim_parse_init_line (const char *line, long *pid, long long *start)
{
  long p;
  long long s;
  char extra;

  if (strncmp (line, "init ", 5) != 0
      || sscanf (line + 5, "%ld %lld %c", &p, &s, &extra) != 2 || p <= 0
      || s < 0)
    return -1;
  *pid = p;
  *start = s;
  return 0;
}

int
jshim_parse_exec_line (const char *line, char *exec_id, size_t size,
                       long *pid, long long *start)
{
  const char *id = line + 5, *end;
  long p;
  long long s;
  char extra;

  if (strncmp (line, "exec ", 5) != 0 || (end = strchr (id, ' ')) == NULL
      || end == id || (size_t) (end - id) >= size
      || sscanf (end + 1, "%ld %lld %c", &p, &s, &extra) != 2 || p <= 0
      || s < 0)
    return -1;
  memcpy (exec_id, id, (size_t) (end - id));
  exec_id[end - id] = '\0';
  *pid = p;
  *start = s;
  return 0;
}
