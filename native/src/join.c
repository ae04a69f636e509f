#include "join.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns.h"
#include "sync.h"

int
jshim_parse_join (const char *text, struct jshim_join *out,
                  jshim_error_t *err)
{
  const char *eq = strchr (text, '=');
  int flag;

  if (eq == NULL)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --join \"%s\": expected TYPE=PATH, e.g. "
                       "network=/proc/1234/ns/net",
                       text);
  flag = jshim_ns_flag (text, (size_t) (eq - text));
  if (flag == 0)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --join \"%s\": unknown namespace type "
                       "\"%.*s\" (expected pid, uts, ipc, mount (or mnt), "
                       "network (or net), cgroup, user or time)",
                       text, (int) (eq - text), text);
  if (eq[1] != '/' || strlen (eq + 1) >= PATH_MAX)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --join \"%s\": PATH must be an absolute "
                       "path such as /proc/PID/ns/NAME",
                       text);
  out->flag = flag;
  out->path = eq + 1;
  return 0;
}

int
jshim_join_namespaces (const struct jshim_join *joins, size_t n,
                       jshim_error_t *err)
{
  int *fds;
  size_t i;
  int pass, rc = 0;

  if (n == 0)
    return 0;
  fds = malloc (n * sizeof (*fds));
  if (fds == NULL)
    return jshim_fail_sys (err, JSHIM_STAGE_JOIN, ENOMEM,
                           "join namespaces");
  for (i = 0; i < n; i++)
    fds[i] = -1;
  for (i = 0; i < n && rc == 0; i++)
    {
      fds[i] = open (joins[i].path, O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0)
        rc = jshim_fail_sys (err, JSHIM_STAGE_JOIN, errno,
                             "join %s namespace \"%s\": open",
                             jshim_ns_name (joins[i].flag), joins[i].path);
    }
  for (pass = 0; pass < 2 && rc == 0; pass++)
    for (i = 0; i < n && rc == 0; i++)
      {
        bool user = joins[i].flag == CLONE_NEWUSER;

        if (user != (pass == 1))
          continue;
        if (setns (fds[i], joins[i].flag) < 0)
          rc = jshim_fail_sys (err, JSHIM_STAGE_JOIN, errno,
                               "join %s namespace \"%s\": setns",
                               jshim_ns_name (joins[i].flag), joins[i].path);
      }
  for (i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  free (fds);
  return rc;
}
