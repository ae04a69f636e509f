#include "workload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "console.h"
#include "numbers.h"
#include "rootfs.h"
#include "seccomp.h"
#include "sync.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

void
jshim_close_fds_from (int lowfd)
{
  DIR *dir;
  struct dirent *de;

  if (syscall (SYS_close_range, (unsigned) lowfd, ~0U, 0) == 0)
    return;

  dir = opendir ("/proc/self/fd");
  if (dir != NULL)
    {
      int self = dirfd (dir);

      while ((de = readdir (dir)) != NULL)
        {
          char *end;
          long fd;

          if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
          errno = 0;
          fd = strtol (de->d_name, &end, 10);
          if (errno != 0 || *end != '\0' || fd < lowfd || fd == self
              || fd > INT_MAX)
            continue;
          close ((int) fd);
        }
      closedir (dir);
      return;
    }

  /* No close_range and no /proc: brute force up to the fd limit. */
  {
    long max = sysconf (_SC_OPEN_MAX);
    int fd;

    if (max < 0 || max > 65536)
      max = 65536;
    for (fd = lowfd; fd < max; fd++)
      close (fd);
  }
}

const char *
jshim_envp_get (char *const envp[], const char *name)
{
  size_t len = strlen (name);
  size_t i;

  if (envp == NULL)
    return NULL;
  for (i = 0; envp[i] != NULL; i++)
    if (strncmp (envp[i], name, len) == 0 && envp[i][len] == '=')
      return envp[i] + len + 1;
  return NULL;
}

/* 0 when PATH names an executable regular file, else an errno value. */
static int
check_executable (const char *path)
{
  struct stat st;

  if (stat (path, &st) < 0)
    return errno;
  if (!S_ISREG (st.st_mode))
    return EACCES;
  if (access (path, X_OK) < 0)
    return errno;
  return 0;
}

int
jshim_resolve_program (const char *prog, char *const envp[], char *out,
                       size_t cap, jshim_error_t *err)
{
  const char *path;
  const char *p;
  char candidate[PATH_MAX];
  int seen_eacces = 0;

  if (prog == NULL || *prog == '\0')
    return jshim_fail (err, JSHIM_STAGE_EXEC, ENOENT,
                       "empty program name");

  if (strchr (prog, '/') != NULL)
    {
      struct stat st;
      int rc;

      if (strlen (prog) >= cap)
        return jshim_fail_sys (err, JSHIM_STAGE_EXEC, ENAMETOOLONG, "%s",
                               prog);
      if (stat (prog, &st) == 0 && S_ISDIR (st.st_mode))
        return jshim_fail (err, JSHIM_STAGE_EXEC, EACCES,
                           "%s: is a directory", prog);
      rc = check_executable (prog);
      if (rc == ENOENT)
        return jshim_fail (err, JSHIM_STAGE_EXEC, ENOENT,
                           "%s: no such file", prog);
      if (rc == EACCES)
        return jshim_fail (err, JSHIM_STAGE_EXEC, EACCES,
                           "%s: permission denied (not an executable file)",
                           prog);
      if (rc != 0)
        return jshim_fail_sys (err, JSHIM_STAGE_EXEC, rc, "%s", prog);
      memcpy (out, prog, strlen (prog) + 1);
      return 0;
    }

  path = jshim_envp_get (envp, "PATH");
  if (path == NULL)
    path = JSHIM_DEFAULT_PATH;

  p = path;
  for (;;)
    {
      const char *colon = strchr (p, ':');
      size_t dlen = colon ? (size_t) (colon - p) : strlen (p);
      int n, rc;

      /* An empty element means the current directory, as for execvp. */
      if (dlen == 0)
        n = snprintf (candidate, sizeof (candidate), "./%s", prog);
      else
        n = snprintf (candidate, sizeof (candidate), "%.*s/%s", (int) dlen, p,
                      prog);
      if (n > 0 && (size_t) n < sizeof (candidate))
        {
          rc = check_executable (candidate);
          if (rc == 0)
            {
              if ((size_t) n >= cap)
                return jshim_fail_sys (err, JSHIM_STAGE_EXEC, ENAMETOOLONG,
                                       "%s", candidate);
              memcpy (out, candidate, (size_t) n + 1);
              return 0;
            }
          if (rc == EACCES)
            seen_eacces = 1;
        }
      if (colon == NULL)
        break;
      p = colon + 1;
    }

  if (seen_eacces)
    return jshim_fail (err, JSHIM_STAGE_EXEC, EACCES,
                       "executable file not found: %s (searched PATH=%s; a "
                       "match exists but is not executable)",
                       prog, path);
  return jshim_fail (err, JSHIM_STAGE_EXEC, ENOENT,
                     "executable file not found: %s (searched PATH=%s)", prog,
                     path);
}


/* ------------------------------------------------------------------ */
/* option parsers                                                      */

static const struct
{
  const char *name;
  int resource;
} rlimit_names[JSHIM_RLIMIT_COUNT] = {
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_STACK", RLIMIT_STACK },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

int
jshim_rlimit_resource (const char *name, size_t len)
{
  size_t i;

  for (i = 0; i < JSHIM_RLIMIT_COUNT; i++)
    if (strlen (rlimit_names[i].name) == len
        && memcmp (rlimit_names[i].name, name, len) == 0)
      return rlimit_names[i].resource;
  return -1;
}

const char *
jshim_rlimit_name (int resource)
{
  size_t i;

  for (i = 0; i < JSHIM_RLIMIT_COUNT; i++)
    if (rlimit_names[i].resource == resource)
      return rlimit_names[i].name;
  return "RLIMIT_?";
}

int
jshim_parse_oom_score_adj (const char *text, int *out, jshim_error_t *err)
{
  const char *digits = text[0] == '-' ? text + 1 : text;
  uint64_t v;

  if (jshim_parse_decimal (digits, strlen (digits), 1000, &v) < 0)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --oom-score-adj \"%s\": expected a decimal "
                       "number from -1000 to 1000",
                       text);
  *out = digits == text ? (int) v : -(int) v;
  return 0;
}

int
jshim_parse_rlimit (const char *text, struct jshim_rlimit *out,
                    jshim_error_t *err)
{
  const char *eq = strchr (text, '=');
  const char *colon;
  struct jshim_rlimit r;

  if (eq == NULL || (colon = strchr (eq + 1, ':')) == NULL)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --rlimit \"%s\": expected NAME=SOFT:HARD, "
                       "e.g. RLIMIT_NOFILE=1024:4096",
                       text);
  r.resource = jshim_rlimit_resource (text, (size_t) (eq - text));
  if (r.resource < 0)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --rlimit \"%s\": unknown resource \"%.*s\" "
                       "(expected an OCI name such as RLIMIT_NOFILE)",
                       text, (int) (eq - text), text);
  if (jshim_parse_decimal (eq + 1, (size_t) (colon - eq - 1), UINT64_MAX,
                           &r.soft)
      < 0)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --rlimit \"%s\": soft limit \"%.*s\" is not "
                       "a decimal number from 0 to 18446744073709551615",
                       text, (int) (colon - eq - 1), eq + 1);
  if (jshim_parse_decimal (colon + 1, strlen (colon + 1), UINT64_MAX,
                           &r.hard)
      < 0)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --rlimit \"%s\": hard limit \"%s\" is not "
                       "a decimal number from 0 to 18446744073709551615",
                       text, colon + 1);
  if (r.soft > r.hard)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --rlimit \"%s\": soft limit is above the "
                       "hard limit",
                       text);
  /* A 32-bit rlim_t can only say "unlimited" for the largest values. */
  if ((r.soft != JSHIM_RLIM_INFINITY && r.soft != (uint64_t) (rlim_t) r.soft)
      || (r.hard != JSHIM_RLIM_INFINITY
          && r.hard != (uint64_t) (rlim_t) r.hard))
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --rlimit \"%s\": value too large for this "
                       "platform",
                       text);
  *out = r;
  return 0;
}

int
jshim_parse_groups (const char *text, gid_t **out, size_t *count,
                    jshim_error_t *err)
{
  gid_t *list = NULL;
  size_t n = 0, cap = 0;
  const char *p = text;

  if (*text != '\0')
    for (;;)
      {
        const char *comma = strchr (p, ',');
        size_t len = comma ? (size_t) (comma - p) : strlen (p);
        uint64_t v;

        if (jshim_parse_decimal (p, len, 0xfffffffeU, &v) < 0)
          {
            free (list);
            return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                               "invalid --groups \"%s\": \"%.*s\" is not a "
                               "decimal gid from 0 to 4294967294",
                               text, (int) len, p);
          }
        if (n == cap)
          {
            gid_t *grown;

            cap = cap ? cap * 2 : 16;
            grown = realloc (list, cap * sizeof (*list));
            if (grown == NULL)
              {
                free (list);
                return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM,
                                       "--groups \"%s\"", text);
              }
            list = grown;
          }
        list[n++] = (gid_t) v;
        if (comma == NULL)
          break;
        p = comma + 1;
      }
  *out = list;
  *count = n;
  return 0;
}

int
jshim_parse_umask (const char *text, mode_t *out, jshim_error_t *err)
{
  unsigned long v;
  char *end;

  errno = 0;
  if (text[0] < '0' || text[0] > '9')
    goto bad;
  v = strtoul (text, &end, 0);
  if (errno != 0 || *end != '\0' || v > 0777)
    goto bad;
  *out = (mode_t) v;
  return 0;

bad:
  return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                     "invalid --umask \"%s\": expected a number from 0 to "
                     "0777 (a leading 0 means octal)",
                     text);
}

static const char *const cap_names[] = {
  "CAP_CHOWN",           "CAP_DAC_OVERRIDE",  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",          "CAP_FSETID",        "CAP_KILL",
  "CAP_SETGID",          "CAP_SETUID",        "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",       "CAP_NET_RAW",       "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",       "CAP_SYS_MODULE",    "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",    "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",       "CAP_SYS_BOOT",      "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",    "CAP_SYS_TIME",      "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",           "CAP_LEASE",         "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",       "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",       "CAP_SYSLOG",        "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",   "CAP_AUDIT_READ",    "CAP_PERFMON",
  "CAP_BPF",             "CAP_CHECKPOINT_RESTORE",
};

const char *
jshim_cap_name (int cap)
{
  if (cap < 0 || (size_t) cap >= sizeof (cap_names) / sizeof (cap_names[0]))
    return NULL;
  return cap_names[cap];
}

int
jshim_cap_last_cap (void)
{
  char text[16];
  uint64_t v;
  ssize_t n;
  int fd, cap;

  fd = open ("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      n = read (fd, text, sizeof (text));
      close (fd);
      while (n > 0 && text[n - 1] == '\n')
        n--;
      if (n > 0 && jshim_parse_decimal (text, (size_t) n, 63, &v) == 0)
        return (int) v;
    }
  /* No /proc: the bounding set can be read for every valid capability. */
  for (cap = 63; cap > 0; cap--)
    if (prctl (PR_CAPBSET_READ, (unsigned long) cap, 0, 0, 0) >= 0)
      return cap;
  return CAP_LAST_CAP;
}

int
jshim_parse_cap_mask (const char *opt, const char *text, int last_cap,
                      uint64_t *out, jshim_error_t *err)
{
  unsigned long long v;
  char *end;
  int cap;

  errno = 0;
  if (text[0] < '0' || text[0] > '9')
    goto bad;
  v = strtoull (text, &end, 0);
  if (errno != 0 || *end != '\0')
    goto bad;
  for (cap = 63; cap > last_cap; cap--)
    if (v & (1ULL << cap))
      return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                         "invalid %s \"%s\": capability %d is above the "
                         "kernel's last capability %d",
                         opt, text, cap, last_cap);
  *out = (uint64_t) v;
  return 0;

bad:
  return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                     "invalid %s \"%s\": expected a 64-bit capability mask "
                     "such as 0x3 (bit N = capability N)",
                     opt, text);
}

int
jshim_parse_sysctl (const char *text, struct jshim_sysctl *out,
                    jshim_error_t *err)
{
  static const char prefix[] = "/proc/sys/";
  const char *eq = strchr (text, '=');
  const char *p;
  size_t klen;
  char *path;
  int part_len = 0;

  if (eq == NULL)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --sysctl \"%s\": expected KEY=VALUE, e.g. "
                       "net.ipv4.ip_forward=1",
                       text);
  for (p = text; p < eq; p++)
    {
      if (*p == '.')
        {
          if (part_len == 0)
            break;
          part_len = 0;
        }
      else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
               || *p == '_')
        part_len++;
      else
        break;
    }
  klen = (size_t) (eq - text);
  if (p != eq || part_len == 0 || klen + sizeof (prefix) > PATH_MAX)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --sysctl \"%s\": key \"%.*s\" must be "
                       "dot-separated parts of [a-z0-9_], e.g. "
                       "net.ipv4.ip_forward",
                       text, (int) klen, text);
  path = malloc (sizeof (prefix) + klen);
  if (path == NULL)
    return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM,
                           "--sysctl \"%s\"", text);
  memcpy (path, prefix, sizeof (prefix) - 1);
  for (p = text; p < eq; p++)
    path[sizeof (prefix) - 1 + (size_t) (p - text)] = *p == '.' ? '/' : *p;
  path[sizeof (prefix) - 1 + klen] = '\0';
  out->text = text;
  out->value = eq + 1;
  out->path = path;
  return 0;
}

int
jshim_check_container_path (const char *opt, const char *text,
                            jshim_error_t *err)
{
  if (text[0] != '/' || strlen (text) >= PATH_MAX)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid %s \"%s\": expected an absolute path inside "
                       "the container",
                       opt, text);
  return 0;
}

/* ------------------------------------------------------------------ */
/* setup steps                                                         */

int
jshim_apply_oom_score_adj (const struct jshim_spawn_config *cfg,
                           jshim_error_t *err)
{
  char text[16];
  int fd, n, saved;

  if (!cfg->has_oom_score_adj)
    return 0;
  n = snprintf (text, sizeof (text), "%d", cfg->oom_score_adj);
  fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_PROCESS, errno,
                           "open /proc/self/oom_score_adj");
  if (write (fd, text, (size_t) n) != n)
    {
      saved = errno;
      close (fd);
      return jshim_fail_sys (err, JSHIM_STAGE_PROCESS, saved,
                             "write %s to /proc/self/oom_score_adj", text);
    }
  close (fd);
  return 0;
}

/*
 * --sysctl: write each VALUE to its /proc/sys file, in the order given.  Only
 * a real procfs is written to, never a plain directory of the root.
 */
static int
setup_sysctls (const struct jshim_spawn_config *cfg, jshim_error_t *err)
{
  struct statfs sfs;
  size_t i;

  if (cfg->n_sysctls == 0)
    return 0;
  if (statfs ("/proc/sys", &sfs) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_SYSCTL, errno,
                           "--sysctl needs /proc in the container (a new "
                           "pid and mount namespace, or no --root): statfs "
                           "/proc/sys");
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return jshim_fail (err, JSHIM_STAGE_SYSCTL, ENOENT,
                       "--sysctl needs /proc in the container: /proc/sys is "
                       "not on a proc filesystem");
  for (i = 0; i < cfg->n_sysctls; i++)
    {
      const struct jshim_sysctl *s = &cfg->sysctls[i];
      size_t len = strlen (s->value);
      ssize_t n;
      int fd, saved;

      fd = open (s->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_SYSCTL, errno,
                               "write \"%s\" to %s (open)", s->value,
                               s->path);
      do
        n = write (fd, s->value, len);
      while (n < 0 && errno == EINTR);
      saved = n < 0 ? errno : EIO;
      close (fd);
      if (n < 0 || (size_t) n != len)
        return jshim_fail_sys (err, JSHIM_STAGE_SYSCTL, saved,
                               "write \"%s\" to %s", s->value, s->path);
    }
  return 0;
}

static rlim_t
to_rlim (uint64_t v)
{
  return v == JSHIM_RLIM_INFINITY ? RLIM_INFINITY : (rlim_t) v;
}

int
jshim_apply_rlimits (const struct jshim_spawn_config *cfg, jshim_error_t *err)
{
  size_t i;

  for (i = 0; i < cfg->n_rlimits; i++)
    {
      const struct jshim_rlimit *r = &cfg->rlimits[i];
      struct rlimit lim;

      lim.rlim_cur = to_rlim (r->soft);
      lim.rlim_max = to_rlim (r->hard);
      if (setrlimit (r->resource, &lim) < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_RLIMIT, errno,
                               "setrlimit %s %llu:%llu",
                               jshim_rlimit_name (r->resource),
                               (unsigned long long) r->soft,
                               (unsigned long long) r->hard);
    }
  return 0;
}

static int
cmp_gid (const void *a, const void *b)
{
  gid_t x = *(const gid_t *) a, y = *(const gid_t *) b;
  return (x > y) - (x < y);
}

/* Sort and drop duplicates; returns the new count. */
static size_t
gid_set (gid_t *list, size_t n)
{
  size_t i, out = 0;

  qsort (list, n, sizeof (*list), cmp_gid);
  for (i = 0; i < n; i++)
    if (out == 0 || list[out - 1] != list[i])
      list[out++] = list[i];
  return out;
}

/* 1 when the current supplementary groups are exactly CFG's (as sets). */
static int
groups_unchanged (const struct jshim_spawn_config *cfg)
{
  gid_t *cur, *want;
  int ncur, same;
  size_t a, b;

  ncur = getgroups (0, NULL);
  if (ncur < 0)
    return 0;
  cur = malloc (((size_t) ncur + 1) * sizeof (*cur));
  want = malloc ((cfg->n_groups + 1) * sizeof (*want));
  if (cur == NULL || want == NULL
      || (ncur = getgroups (ncur, cur)) < 0)
    {
      free (cur);
      free (want);
      return 0;
    }
  if (cfg->n_groups > 0)
    memcpy (want, cfg->groups, cfg->n_groups * sizeof (*want));
  a = gid_set (cur, (size_t) ncur);
  b = gid_set (want, cfg->n_groups);
  same = a == b && (a == 0 || memcmp (cur, want, a * sizeof (*cur)) == 0);
  free (cur);
  free (want);
  return same;
}

static int
setup_user (const struct jshim_spawn_config *cfg, jshim_error_t *err)
{
  uid_t uid;
  gid_t gid;

  /* In a user namespace our own ids may not even be mapped: become the
     container's root unless told otherwise. */
  if (!cfg->has_uid && !cfg->has_gid && !cfg->has_groups && !cfg->in_userns)
    return 0;
  uid = cfg->has_uid ? cfg->uid : cfg->in_userns ? 0 : getuid ();
  gid = cfg->has_gid ? cfg->gid : cfg->in_userns ? 0 : getgid ();

  if (geteuid () != 0 && !cfg->in_userns)
    {
      if (uid != getuid () || uid != geteuid () || gid != getgid ()
          || gid != getegid ())
        return jshim_fail (err, JSHIM_STAGE_USER, EPERM,
                           "cannot switch to uid %u gid %u: jshim-spawn is "
                           "not running as root (uid %u gid %u)",
                           (unsigned) uid, (unsigned) gid,
                           (unsigned) geteuid (), (unsigned) getegid ());
      if (cfg->has_groups && !groups_unchanged (cfg))
        return jshim_fail (err, JSHIM_STAGE_USER, EPERM,
                           "cannot set supplementary groups \"%s\": "
                           "jshim-spawn is not running as root and has "
                           "other groups",
                           cfg->groups_text ? cfg->groups_text : "");
      return 0;
    }

  if (cfg->has_groups && cfg->n_groups > 0)
    {
      if (setgroups (cfg->n_groups, cfg->groups) < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_USER, errno,
                               "setgroups \"%s\"",
                               cfg->groups_text ? cfg->groups_text : "");
    }
  else if (setgroups (0, NULL) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_USER, errno,
                           "setgroups (drop supplementary groups)");
  if (setgid (gid) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_USER, errno, "setgid %u",
                           (unsigned) gid);
  if (setuid (uid) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_USER, errno, "setuid %u",
                           (unsigned) uid);
  return 0;
}

/* "CAP_CHOWN (0)", or "capability 63" when the name is not known. */
static const char *
cap_text (int cap, char *buf, size_t cap_buf)
{
  const char *name = jshim_cap_name (cap);

  if (name != NULL)
    snprintf (buf, cap_buf, "%s (%d)", name, cap);
  else
    snprintf (buf, cap_buf, "capability %d", cap);
  return buf;
}

/*
 * Before the user switch: drop from the bounding set what the mask does not
 * hold (needs CAP_SETPCAP; capabilities already gone are skipped) and keep
 * the permitted set across setuid.
 */
static int
setup_bounding_set (const struct jshim_spawn_config *cfg, jshim_error_t *err)
{
  char text[48];
  int cap;

  if (!cfg->has_caps)
    return 0;
  for (cap = 0; cap <= cfg->cap_last_cap; cap++)
    {
      if (cfg->cap_bounding & (1ULL << cap))
        continue;
      if (prctl (PR_CAPBSET_READ, (unsigned long) cap, 0, 0, 0) == 0)
        continue;
      if (prctl (PR_CAPBSET_DROP, (unsigned long) cap, 0, 0, 0) < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_CAPS, errno,
                               "prctl PR_CAPBSET_DROP %s",
                               cap_text (cap, text, sizeof (text)));
    }
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_CAPS, errno,
                           "prctl PR_SET_KEEPCAPS 1");
  return 0;
}

/* After the user switch: effective, permitted, inheritable, then ambient. */
static int
setup_capabilities (const struct jshim_spawn_config *cfg, jshim_error_t *err)
{
  struct __user_cap_header_struct hdr;
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
  char text[48];
  int i, cap;

  if (!cfg->has_caps)
    return 0;
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_CAPS, errno,
                           "prctl PR_SET_KEEPCAPS 0");

  memset (&hdr, 0, sizeof (hdr));
  hdr.version = _LINUX_CAPABILITY_VERSION_3;
  hdr.pid = 0;
  for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
    {
      data[i].effective = (uint32_t) (cfg->cap_effective >> (32 * i));
      data[i].permitted = (uint32_t) (cfg->cap_permitted >> (32 * i));
      data[i].inheritable = (uint32_t) (cfg->cap_inheritable >> (32 * i));
    }
  if (syscall (SYS_capset, &hdr, data) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_CAPS, errno,
                           "capset effective=0x%llx permitted=0x%llx "
                           "inheritable=0x%llx",
                           (unsigned long long) cfg->cap_effective,
                           (unsigned long long) cfg->cap_permitted,
                           (unsigned long long) cfg->cap_inheritable);

  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_CAPS, errno,
                           "prctl PR_CAP_AMBIENT_CLEAR_ALL");
  /* The kernel wants each one in the permitted and inheritable sets. */
  for (cap = 0; cap <= cfg->cap_last_cap; cap++)
    if ((cfg->cap_ambient & (1ULL << cap))
        && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long) cap,
                  0, 0)
               < 0)
      return jshim_fail_sys (err, JSHIM_STAGE_CAPS, errno,
                             "prctl PR_CAP_AMBIENT_RAISE %s",
                             cap_text (cap, text, sizeof (text)));
  return 0;
}

/*
 * --mount, --device and --dev-links, relative to the root (bound on itself,
 * not pivoted into yet), with umask 0 so that the modes are the ones asked
 * for.
 */
static int
setup_inside_root (const struct jshim_spawn_config *cfg, jshim_error_t *err)
{
  mode_t old_umask;
  size_t i;
  int rootfd, rc = 0;

  if (cfg->n_mounts == 0 && cfg->n_devices == 0 && !cfg->dev_links)
    return 0;
  rootfd = open (cfg->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ROOTFS, errno,
                           "open the root \"%s\"", cfg->root);
  old_umask = umask (0);
  for (i = 0; i < cfg->n_mounts && rc == 0; i++)
    rc = jshim_do_mount (rootfd, &cfg->mounts[i], err);
  for (i = 0; i < cfg->n_devices && rc == 0; i++)
    rc = jshim_create_device (rootfd, &cfg->devices[i], cfg->in_userns, err);
  if (rc == 0 && cfg->dev_links)
    rc = jshim_create_dev_links (rootfd, err);
  umask (old_umask);
  close (rootfd);
  return rc;
}

/* The hooks of KIND that the workload runs itself (--hook), with the
   state of a container in STATUS whose pid is ours. */
static int
run_own_hooks (const struct jshim_spawn_config *cfg, int kind,
               const char *status, const char *cwd, jshim_error_t *err)
{
  char *state;
  size_t i;
  int rc;

  for (i = 0; i < cfg->n_hooks && cfg->hooks[i].kind != kind; i++)
    ;
  if (i == cfg->n_hooks)
    return 0;
  state = jshim_hook_state (cfg->hook_state ? cfg->hook_state : "{}", status,
                            getpid ());
  if (state == NULL)
    return jshim_fail_sys (err, JSHIM_STAGE_HOOK, errno,
                           "build the state of the %s hooks",
                           jshim_hook_kind_name (kind));
  rc = jshim_hooks_run (cfg->hooks, cfg->n_hooks, kind, state, cwd, err);
  free (state);
  return rc;
}

/*
 * Right before the switch to the root, with every mount made: (with
 * --hooks-pause) stop at HOOKS until the daemon has run the prestart and
 * createRuntime hooks, then run the createContainer hooks, here in the
 * container's namespaces but with the host's filesystem still in view.
 * A daemon that closes fd 3 instead of writing 'H' (a hook failed) ends
 * us quietly.
 */
static int
before_root_switch (const struct jshim_spawn_config *cfg, jshim_error_t *err)
{
  unsigned char go;
  ssize_t n;

  if (cfg->hooks_pause)
    {
      if (jshim_record_send (cfg->sync_fd, JSHIM_REC_HOOKS, 0, 0, NULL, 0)
          < 0)
        _exit (JSHIM_WORKLOAD_EXIT_ABORTED);
      do
        n = read (cfg->sync_fd, &go, 1);
      while (n < 0 && errno == EINTR);
      if (n != 1 || go != JSHIM_HOOKS_BYTE)
        _exit (JSHIM_WORKLOAD_EXIT_ABORTED);
    }
  return run_own_hooks (cfg, JSHIM_HOOK_CREATE_CONTAINER, "creating",
                        cfg->root, err);
}

/* The root filesystem: pivot_root (mount namespace) or chroot, /proc. */
static int
setup_root (const struct jshim_spawn_config *cfg, jshim_error_t *err)
{
  bool new_mnt = (cfg->ns_flags & CLONE_NEWNS) != 0;
  bool new_pid = (cfg->ns_flags & CLONE_NEWPID) != 0;

  if (cfg->root == NULL)
    {
      if (new_mnt && new_pid && jshim_mount_proc ("/proc", err) < 0)
        return -1;
      if (before_root_switch (cfg, err) < 0)
        return -1;
    }
  else if (!new_mnt)
    return before_root_switch (cfg, err) < 0 ? -1
                                              : jshim_chroot (cfg->root, err);
  else
    {
      if (jshim_bind_root (cfg->root, err) < 0)
        return -1;
      /* A --mount list is authoritative: no proc unless it has one. */
      if (cfg->n_mounts == 0 && new_pid
          && jshim_mount_root_proc (cfg->root, err) < 0)
        return -1;
      if (setup_inside_root (cfg, err) < 0
          || before_root_switch (cfg, err) < 0
          || jshim_pivot_root (cfg->root, cfg->rootfs_propagation, err) < 0)
        return -1;
    }
  if (cfg->rootfs_propagation != 0
      && jshim_set_root_propagation (cfg->rootfs_propagation, err) < 0)
    return -1;
  return 0;
}

/*
 * A magic link (/proc/self/fd/N of a directory fd, /proc/PID/cwd or
 * /proc/PID/root of a process outside the container) makes chdir land
 * outside our root, and the program would start there: the CVE-2024-21626
 * class.  The kernel's getcwd says so: a directory that cannot be reached
 * from our root comes back as "(unreachable)..." (raw syscall; glibc turns
 * it into ENOENT).
 */
static int
check_cwd_inside_root (const char *cwd, jshim_error_t *err)
{
  static char buf[PATH_MAX];
  long n = syscall (SYS_getcwd, buf, sizeof (buf));

  if (n < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_CWD, errno,
                           "getcwd after chdir \"%s\"", cwd);
  if (buf[0] != '/')
    return jshim_fail_sys (err, JSHIM_STAGE_CWD, EPERM,
                           "chdir \"%s\" left the container's root "
                           "(expected: a directory inside the root, not a "
                           "link to one outside it)", cwd);
  return 0;
}

static int
prepare_steps (const struct jshim_spawn_config *cfg, char *resolved,
               size_t cap, int *console, jshim_error_t *err)
{
  const char *cwd = cfg->cwd ? cfg->cwd : "/";
  size_t i;

  /* 0. a session of our own: the daemon's terminal signals must not reach
     the container, and only a session leader can take a console */
  if (setsid () < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_PROCESS, errno, "setsid");

  /* 0b. in a user namespace: become its root (with --ns user creating the
     namespaces the clone left out on the way); elsewhere: oom_score_adj
     first, while /proc is the host's and we are root (in a user namespace
     the helper did that) */
  if (cfg->in_userns)
    {
      if (jshim_userns_become_root (cfg->unshare_flags, err) < 0)
        return -1;
    }
  else if (jshim_apply_oom_score_adj (cfg, err) < 0)
    return -1;

  /* 1. hostname, only inside a private uts namespace */
  if ((cfg->ns_flags & CLONE_NEWUTS) && cfg->hostname != NULL
      && sethostname (cfg->hostname, strlen (cfg->hostname)) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_HOSTNAME, errno,
                           "sethostname \"%s\"", cfg->hostname);
  /* 1b. domainname, likewise (the helper refuses it without --ns uts) */
  if ((cfg->ns_flags & CLONE_NEWUTS)
      && jshim_attrs_apply_domainname (&cfg->attrs, err) < 0)
    return -1;

  /* 2. keep our mounts from propagating back to the host */
  if ((cfg->ns_flags & CLONE_NEWNS)
      && jshim_isolate_mounts (cfg->rootfs_propagation, cfg->root, err) < 0)
    return -1;

  /* 3. root filesystem: --mount list (or /proc), devices, links, the
     switch, --rootfs-propagation */
  if (setup_root (cfg, err) < 0)
    return -1;
  /* 3b. --root-readonly: the new "/" (after pivot_root and /proc) */
  if (cfg->root_readonly && jshim_remount_root_readonly (err) < 0)
    return -1;

  /* 4. sysctls, masked paths, read-only paths, inside the new root (the
     sysctls first: /proc/sys may be made read-only or masked next) */
  if (setup_sysctls (cfg, err) < 0)
    return -1;
  if (cfg->n_masked + cfg->n_readonly > 0 && jshim_check_proc_fd (err) < 0)
    return -1;
  for (i = 0; i < cfg->n_masked; i++)
    if (jshim_mask_path (cfg->masked[i], err) < 0)
      return -1;
  for (i = 0; i < cfg->n_readonly; i++)
    if (jshim_readonly_path (cfg->readonly[i], err) < 0)
      return -1;

  /* 4b. the console: after all mount work, so /dev/ptmx is the
     container's own; as root, before the user switch */
  if (cfg->console && jshim_console_open (console, err) < 0)
    return -1;

  /* 5. resource limits, before dropping privileges (raising a hard
     limit needs CAP_SYS_RESOURCE; in a user namespace the helper did it) */
  if (!cfg->in_userns && jshim_apply_rlimits (cfg, err) < 0)
    return -1;
  /* 5b. I/O priority and scheduling attributes, still privileged (in a
     user namespace the helper set them on itself, except SCHED_DEADLINE,
     whose holder cannot clone) */
  if (!cfg->in_userns && jshim_attrs_apply_ioprio (&cfg->attrs, err) < 0)
    return -1;
  if ((!cfg->in_userns || jshim_attrs_sched_in_workload (&cfg->attrs))
      && jshim_attrs_apply_sched (&cfg->attrs, err) < 0)
    return -1;

  /* 5b. seccomp without no_new_privs: as runc, while CAP_SYS_ADMIN is
     still ours (with no_new_privs: right before execve) */
  if (cfg->seccomp != NULL && !cfg->no_new_privs
      && jshim_seccomp_load (cfg->seccomp, err) < 0)
    return -1;

  /* 6. bounding set and keep-caps, while still privileged */
  if (setup_bounding_set (cfg, err) < 0)
    return -1;

  /* 7. credentials: supplementary groups, gid, uid */
  if (setup_user (cfg, err) < 0)
    return -1;

  /* 8. capability sets (capset) and the ambient set, as the new user */
  if (setup_capabilities (cfg, err) < 0)
    return -1;

  /* 9. umask and no_new_privs, as the new user */
  if (cfg->has_umask)
    umask (cfg->umask_value);
  if (cfg->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_PROCESS, errno,
                           "prctl PR_SET_NO_NEW_PRIVS");

  /* 9b. personality, last of the attributes: nothing after it depends on
     the persona */
  if (jshim_attrs_apply_personality (&cfg->attrs, err) < 0)
    return -1;

  /* 10. working directory, inside the new root */
  if (chdir (cwd) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_CWD, errno, "chdir \"%s\"", cwd);
  if (check_cwd_inside_root (cwd, err) < 0)
    return -1;

  /* 11. find the program with the container's PATH */
  return jshim_resolve_program (cfg->argv[0], cfg->envp, resolved, cap, err);
}

int
jshim_workload_prepare (const struct jshim_spawn_config *cfg, char *resolved,
                        size_t cap, int *console, jshim_error_t *err)
{
  *console = -1;
  if (prepare_steps (cfg, resolved, cap, console, err) == 0)
    return 0;
  if (*console >= 0)
    close (*console);
  *console = -1;
  return -1;
}

void
jshim_workload_run (const struct jshim_spawn_config *cfg)
{
  static char resolved[PATH_MAX];
  jshim_error_t err;
  unsigned char go;
  ssize_t n;
  int flags, console;

  /* Nothing at all happens before the helper has written the id maps. */
  if (cfg->userns_rfd >= 0
      && jshim_userns_wait (cfg->userns_rfd, cfg->userns_wfd) < 0)
    _exit (JSHIM_WORKLOAD_EXIT_ABORTED);

  jshim_error_clear (&err);
  if (jshim_workload_prepare (cfg, resolved, sizeof (resolved), &console,
                              &err)
      < 0)
    {
      jshim_send_error (cfg->sync_fd, &err);
      _exit (JSHIM_WORKLOAD_EXIT_SETUP);
    }

  /* Sent only now, so that a daemon gets a master only from a workload
     that is set up. */
  if (console >= 0)
    {
      int rc = jshim_send_console (cfg->sync_fd, console);

      close (console);
      if (rc < 0)
        {
          jshim_fail_sys (&err, JSHIM_STAGE_CONSOLE, -rc, "send console fd");
          jshim_send_error (cfg->sync_fd, &err);
          _exit (JSHIM_WORKLOAD_EXIT_SETUP);
        }
    }

  /* seccomp with no_new_privs: as late as runc loads it, i.e. before the
     runtime reports the container created, so a created container already
     runs under its filter and a profile that cannot be loaded fails Create;
     from here on only the wait for 'G', the startContainer hooks, the fd
     cleanup and execve run under it, as in runc */
  if (cfg->seccomp != NULL && cfg->no_new_privs
      && jshim_seccomp_load (cfg->seccomp, &err) < 0)
    {
      jshim_send_error (cfg->sync_fd, &err);
      _exit (JSHIM_WORKLOAD_EXIT_SETUP);
    }

  if (jshim_send_ready (cfg->sync_fd) < 0)
    _exit (JSHIM_WORKLOAD_EXIT_ABORTED);

  do
    n = read (cfg->sync_fd, &go, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1 || go != JSHIM_GO_BYTE)
    _exit (JSHIM_WORKLOAD_EXIT_ABORTED);

  /* the startContainer hooks: in the container, as its user, right
     before the program (a failure is this start's failure) */
  if (run_own_hooks (cfg, JSHIM_HOOK_START_CONTAINER, "created", NULL, &err)
      < 0)
    {
      jshim_send_error (cfg->sync_fd, &err);
      _exit (JSHIM_WORKLOAD_EXIT_SETUP);
    }

  /* fd 3 must vanish on a successful exec: that is the daemon's signal. */
  flags = fcntl (cfg->sync_fd, F_GETFD);
  if (flags < 0 || fcntl (cfg->sync_fd, F_SETFD, flags | FD_CLOEXEC) < 0)
    {
      jshim_fail_sys (&err, JSHIM_STAGE_SYNC, errno,
                      "set close-on-exec on the sync socket");
      jshim_send_error (cfg->sync_fd, &err);
      _exit (JSHIM_WORKLOAD_EXIT_SETUP);
    }
  jshim_close_fds_from (cfg->sync_fd + 1);

  execve (resolved, cfg->argv, cfg->envp);

  jshim_fail_sys (&err, JSHIM_STAGE_EXEC, errno, "execve %s", resolved);
  jshim_send_error (cfg->sync_fd, &err);
  _exit (JSHIM_WORKLOAD_EXIT_EXEC);
}
