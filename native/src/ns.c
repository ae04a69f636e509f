#include "ns.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "attrs.h"
#include "sync.h"

struct ns_name
{
  const char *name;
  int flag;
};

static const struct ns_name ns_names[] = {
  { "pid", CLONE_NEWPID },
  { "uts", CLONE_NEWUTS },
  { "ipc", CLONE_NEWIPC },
  { "mount", CLONE_NEWNS },
  { "mnt", CLONE_NEWNS },
  { "network", CLONE_NEWNET },
  { "net", CLONE_NEWNET },
  { "cgroup", CLONE_NEWCGROUP },
  { "user", CLONE_NEWUSER },
  { "time", CLONE_NEWTIME },
};

#define NS_EXPECTED                                                         \
  "pid, uts, ipc, mount (or mnt), network (or net), cgroup, user, time"

int
jshim_ns_supported_mask (void)
{
  int mask = 0;
  size_t i;

  for (i = 0; i < sizeof (ns_names) / sizeof (ns_names[0]); i++)
    mask |= ns_names[i].flag;
  return mask;
}

int
jshim_ns_flag (const char *name, size_t len)
{
  size_t i;

  for (i = 0; i < sizeof (ns_names) / sizeof (ns_names[0]); i++)
    if (strlen (ns_names[i].name) == len
        && memcmp (ns_names[i].name, name, len) == 0)
      return ns_names[i].flag;
  return 0;
}

const char *
jshim_ns_name (int flag)
{
  size_t i;

  /* The first name of a flag in the table is the long one. */
  for (i = 0; i < sizeof (ns_names) / sizeof (ns_names[0]); i++)
    if (ns_names[i].flag == flag)
      return ns_names[i].name;
  return "?";
}

int
jshim_ns_parse (const char *list, int *flags, jshim_error_t *err)
{
  const char *p = list;
  int result = 0;

  if (list == NULL)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "--ns needs a value (a comma-separated list of: "
                       NS_EXPECTED ")");
  if (*list == '\0')
    {
      *flags = 0;
      return 0;
    }
  for (;;)
    {
      const char *comma = strchr (p, ',');
      size_t len = comma ? (size_t) (comma - p) : strlen (p);
      int flag;

      if (len == 0)
        return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                           "empty namespace name in --ns \"%s\" (expected a "
                           "comma-separated list of: " NS_EXPECTED ")",
                           list);
      flag = jshim_ns_flag (p, len);
      if (flag == 0)
        return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                           "unknown namespace \"%.*s\" in --ns \"%s\" "
                           "(expected a comma-separated list of: "
                           NS_EXPECTED ")",
                           (int) len, p, list);
      result |= flag;
      if (comma == NULL)
        break;
      p = comma + 1;
    }
  *flags = result;
  return 0;
}

struct flag_name
{
  int flag;
  const char *name;
};

static const struct flag_name flag_names[] = {
  { CLONE_NEWPID, "CLONE_NEWPID" },
  { CLONE_NEWUTS, "CLONE_NEWUTS" },
  { CLONE_NEWIPC, "CLONE_NEWIPC" },
  { CLONE_NEWNS, "CLONE_NEWNS" },
  { CLONE_NEWNET, "CLONE_NEWNET" },
  { CLONE_NEWCGROUP, "CLONE_NEWCGROUP" },
  { CLONE_NEWUSER, "CLONE_NEWUSER" },
  { CLONE_PARENT, "CLONE_PARENT" },
};

char *
jshim_clone_flags_str (int flags, char *buf, size_t cap)
{
  size_t used = 0;
  int rest = flags & ~0xff; /* the low byte is the exit signal */
  int sig = flags & 0xff;
  size_t i;

  if (cap == 0)
    return buf;
  buf[0] = '\0';

#define APPEND(...)                                                         \
  do                                                                        \
    {                                                                       \
      if (used < cap)                                                       \
        {                                                                   \
          int n_ = snprintf (buf + used, cap - used, "%s", used ? "|" : ""); \
          if (n_ > 0)                                                       \
            used += (size_t) n_;                                            \
        }                                                                   \
      if (used < cap)                                                       \
        {                                                                   \
          int n_ = snprintf (buf + used, cap - used, __VA_ARGS__);          \
          if (n_ > 0)                                                       \
            used += (size_t) n_;                                            \
        }                                                                   \
    }                                                                       \
  while (0)

  for (i = 0; i < sizeof (flag_names) / sizeof (flag_names[0]); i++)
    if (rest & flag_names[i].flag)
      {
        APPEND ("%s", flag_names[i].name);
        rest &= ~flag_names[i].flag;
      }
  if (rest)
    APPEND ("0x%x", (unsigned) rest);
  if (sig == SIGCHLD)
    APPEND ("SIGCHLD");
  else if (sig != 0)
    APPEND ("signal %d", sig);
  if (used == 0)
    snprintf (buf, cap, "0");
#undef APPEND
  return buf;
}
