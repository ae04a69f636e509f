/*
 * jshim-spawn: start one container process for the jshim daemon.
 *
 *   jshim-spawn [--ns LIST] [--hostname NAME] [--root DIR] [--cwd DIR]
 *               [--uid N] [--gid N] [--groups G1,G2,...]
 *               [--oom-score-adj N] [--rlimit NAME=SOFT:HARD]...
 *               [--umask MODE] [--no-new-privs]
 *               [--cap-bounding MASK] [--cap-effective MASK]
 *               [--cap-permitted MASK] [--cap-inheritable MASK]
 *               [--cap-ambient MASK] [--sysctl KEY=VALUE]...
 *               [--masked PATH]... [--readonly PATH]... [--root-readonly]
 *               [--mount TYPE SOURCE TARGET FLAGS PROPAGATION DATA]...
 *               [--device PATH TYPE MAJOR MINOR MODE UID GID]...
 *               [--dev-links] [--rootfs-propagation FLAGS]
 *               [--uid-map C:H:N,...] [--gid-map C:H:N,...]
 *               [--join TYPE=PATH]... [--cgroup DIR]... [--console]
 *               [--personality N] [--ioprio CLASS:LEVEL]
 *               [--sched POLICY:NICE:PRIO:FLAGS:RUNTIME:DEADLINE:PERIOD]
 *               [--domainname NAME] [--time-offset CLOCK:SECS:NANOS]...
 *               [--cpu-affinity-initial LIST] [--cpu-affinity-final LIST]
 *               [--hook KIND TIMEOUT PATH NARGS ARG... NENV ENV...]...
 *               [--hook-state JSON] [--hooks-pause]
 *               -- PROG [ARGS...]
 *   jshim-spawn --run [--cgroup DIR]... [--fds N] [--timeout S]
 *               [--bind-self DIR] -- PATH [ARGS...]      (see run.h)
 *   jshim-spawn --run-hooks [--hook-state JSON] [--hook-cwd DIR]
 *               [--hook KIND TIMEOUT PATH NARGS ARG... NENV ENV...]...
 *
 * fd 0-2 are the container's stdio, fd 3 is the sync socket, the
 * environment is the container's environment.  The workload is cloned with
 * CLONE_PARENT so that the daemon (our parent) becomes its parent.  Before
 * the clone the helper enters the --cgroup directories and the --join
 * namespaces; with --ns user it writes the workload's id maps after it
 * (the clone then makes only the user and pid namespaces, the workload
 * unshares the others).  With --console the workload sends the master of
 * its new pty over fd 3 (SCM_RIGHTS) before READY.
 * See README.md for the record protocol spoken on fd 3.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "error.h"
#include "hooks.h"
#include "ns.h"
#include "options.h"
#include "run.h"
#include "seccomp.h"
#include "sync.h"
#include "workload.h"

#define EXIT_SPAWN_OK 0
#define EXIT_SPAWN_FAILED 1
#define EXIT_SPAWN_USAGE 2

#define CLONE_STACK_SIZE (1024 * 1024)

#define USAGE_TEXT                                                          \
  "jshim-spawn [--ns LIST] [--hostname NAME] [--root DIR] [--cwd DIR] "     \
  "[--uid N] [--gid N] [--groups G1,G2,...] [--oom-score-adj N] "         \
  "[--rlimit NAME=SOFT:HARD]... [--umask MODE] [--no-new-privs] "         \
  "[--cap-bounding MASK] [--cap-effective MASK] [--cap-permitted MASK] "  \
  "[--cap-inheritable MASK] [--cap-ambient MASK] [--sysctl KEY=VALUE]... " \
  "[--masked PATH]... [--readonly PATH]... [--root-readonly] "          \
  "[--mount TYPE SOURCE TARGET FLAGS PROPAGATION DATA]... "               \
  "[--device PATH TYPE MAJOR MINOR MODE UID GID]... [--dev-links] "       \
  "[--rootfs-propagation FLAGS] [--uid-map C:H:N,...] "                   \
  "[--gid-map C:H:N,...] [--join TYPE=PATH]... [--cgroup DIR]... "        \
  "[--console] [--personality N] [--ioprio CLASS:LEVEL] "                 \
  "[--sched POLICY:NICE:PRIO:FLAGS:RUNTIME:DEADLINE:PERIOD] "              \
  "[--domainname NAME] [--time-offset CLOCK:SECS:NANOS]... "               \
  "[--cpu-affinity-initial LIST] [--cpu-affinity-final LIST] "             \
  "[--seccomp PROFILE] "                                                  \
  "[--hook KIND TIMEOUT PATH NARGS ARG... NENV ENV...]... "   \
  "[--hook-state JSON] [--hooks-pause] -- PROG [ARGS...]"

extern char **environ;

static void
reset_signals (void)
{
  struct sigaction sa;
  sigset_t empty;
  int sig;

  sigemptyset (&empty);
  sigprocmask (SIG_SETMASK, &empty, NULL);

  memset (&sa, 0, sizeof (sa));
  sa.sa_handler = SIG_DFL;
  sigemptyset (&sa.sa_mask);
  for (sig = 1; sig < _NSIG; sig++)
    {
      if (sigaction (sig, &sa, NULL) == 0 || errno != EINVAL
          || sig == SIGKILL || sig == SIGSTOP)
        continue;
      /*
       * glibc refuses the real-time signals it reserves for itself (32, 33),
       * but an ignored disposition for them can be inherited (GNU make, for
       * one, leaves them ignored) and would survive execve.  Go to the
       * kernel directly: an all-zero kernel sigaction is SIG_DFL, no flags,
       * empty mask, whatever the architecture's layout.
       */
      {
        unsigned long zero[8] = { 0 };
        syscall (SYS_rt_sigaction, sig, zero, NULL, (size_t) (_NSIG - 1) / 8);
      }
    }
}

static int
parse_id (const char *opt, const char *text, unsigned *out, jshim_error_t *err)
{
  char *end;
  unsigned long v;

  if (text[0] < '0' || text[0] > '9')
    goto bad;
  errno = 0;
  v = strtoul (text, &end, 10);
  if (errno != 0 || *end != '\0' || v >= 0xffffffffUL)
    goto bad;
  *out = (unsigned) v;
  return 0;

bad:
  return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                     "invalid %s \"%s\": expected a decimal number from 0 to "
                     "4294967294",
                     opt, text);
}

/* Matches "--name VALUE" and "--name=VALUE"; advances *I past the value. */
static int
option_value (int argc, char **argv, int *i, const char *name,
              const char **value, jshim_error_t *err)
{
  return jshim_option_value (argc, argv, i, name, value, USAGE_TEXT, err);
}

/*
 * The --cap-* options.  Giving any of them applies all five sets; the ones
 * not given are empty (OCI semantics).
 */
static int
parse_cap_option (int argc, char **argv, int *i,
                  struct jshim_spawn_config *cfg, jshim_error_t *err)
{
  static const char *const names[] = {
    "--cap-bounding", "--cap-effective", "--cap-permitted",
    "--cap-inheritable", "--cap-ambient",
  };
  uint64_t *const masks[] = {
    &cfg->cap_bounding, &cfg->cap_effective, &cfg->cap_permitted,
    &cfg->cap_inheritable, &cfg->cap_ambient,
  };
  size_t k;

  for (k = 0; k < sizeof (names) / sizeof (names[0]); k++)
    {
      const char *val = NULL;
      int r = option_value (argc, argv, i, names[k], &val, err);

      if (r == 0)
        continue;
      if (r < 0)
        return -1;
      if (!cfg->has_caps)
        {
          cfg->has_caps = true;
          cfg->cap_last_cap = jshim_cap_last_cap ();
        }
      if (jshim_parse_cap_mask (names[k], val, cfg->cap_last_cap, masks[k],
                                err)
          < 0)
        return -1;
      return 1;
    }
  return 0;
}

/* Append PATH (an --masked or --readonly value) to *LIST. */
static int
append_path (const char *opt, const char *path, const char ***list,
             size_t *n, jshim_error_t *err)
{
  const char **grown;

  if (jshim_check_container_path (opt, path, err) < 0)
    return -1;
  grown = realloc (*list, (*n + 1) * sizeof (**list));
  if (grown == NULL)
    return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM, "%s \"%s\"", opt,
                           path);
  grown[*n] = path;
  *list = grown;
  *n += 1;
  return 0;
}

static int
append_sysctl (const char *text, struct jshim_spawn_config *cfg,
               jshim_error_t *err)
{
  struct jshim_sysctl *grown;

  grown = realloc (cfg->sysctls, (cfg->n_sysctls + 1) * sizeof (*grown));
  if (grown == NULL)
    return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM,
                           "--sysctl \"%s\"", text);
  cfg->sysctls = grown;
  if (jshim_parse_sysctl (text, &grown[cfg->n_sysctls], err) < 0)
    return -1;
  cfg->n_sysctls++;
  return 0;
}

/*
 * --mount and --device take several argv entries: check that COUNT values
 * follow argv[*I], point *VALUES at them and move *I to the last one.
 */
static int
option_values (int argc, char **argv, int *i, int count, const char *names,
               char ***values, jshim_error_t *err)
{
  const char *opt = argv[*i];

  if (argc - *i - 1 < count)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "%s needs %d values (%s), got %d", opt, count, names,
                       argc - *i - 1);
  *values = argv + *i + 1;
  *i += count;
  return 0;
}

static int
append_mount (char **values, struct jshim_spawn_config *cfg,
              jshim_error_t *err)
{
  struct jshim_mount *grown;

  grown = realloc (cfg->mounts, (cfg->n_mounts + 1) * sizeof (*grown));
  if (grown == NULL)
    return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM, "--mount");
  cfg->mounts = grown;
  if (jshim_parse_mount (values, &grown[cfg->n_mounts], err) < 0)
    return -1;
  cfg->n_mounts++;
  return 0;
}

static int
append_device (char **values, struct jshim_spawn_config *cfg,
               jshim_error_t *err)
{
  struct jshim_device *grown;

  grown = realloc (cfg->devices, (cfg->n_devices + 1) * sizeof (*grown));
  if (grown == NULL)
    return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM, "--device");
  cfg->devices = grown;
  if (jshim_parse_device (values, &grown[cfg->n_devices], err) < 0)
    return -1;
  cfg->n_devices++;
  return 0;
}

static int
append_join (const char *text, struct jshim_spawn_config *cfg,
             jshim_error_t *err)
{
  struct jshim_join *grown, join;
  size_t k;

  if (jshim_parse_join (text, &join, err) < 0)
    return -1;
  for (k = 0; k < cfg->n_joins; k++)
    if (cfg->joins[k].flag == join.flag)
      return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                         "invalid --join \"%s\": the %s namespace is "
                         "already joined (--join %s=%s)",
                         text, jshim_ns_name (join.flag),
                         jshim_ns_name (join.flag), cfg->joins[k].path);
  grown = realloc (cfg->joins, (cfg->n_joins + 1) * sizeof (*grown));
  if (grown == NULL)
    return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM, "--join \"%s\"",
                           text);
  cfg->joins = grown;
  grown[cfg->n_joins++] = join;
  return 0;
}

static int
append_cgroup (const char *dir, struct jshim_spawn_config *cfg,
               jshim_error_t *err)
{
  const char **grown;

  if (jshim_check_cgroup_dir (dir, err) < 0)
    return -1;
  grown = realloc (cfg->cgroups, (cfg->n_cgroups + 1) * sizeof (*grown));
  if (grown == NULL)
    return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM,
                           "--cgroup \"%s\"", dir);
  cfg->cgroups = grown;
  grown[cfg->n_cgroups++] = dir;
  return 0;
}

/* --hook in a spawn: only the kinds the workload runs itself. */
static int
append_hook (int argc, char **argv, int *i, struct jshim_spawn_config *cfg,
             jshim_error_t *err)
{
  struct jshim_hook *grown, hook;

  if (jshim_parse_hook (argc, argv, i, &hook, err) < 0)
    return -1;
  if (hook.kind != JSHIM_HOOK_CREATE_CONTAINER
      && hook.kind != JSHIM_HOOK_START_CONTAINER)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "--hook %s %s: the workload runs only createContainer "
                       "and startContainer hooks (the daemon runs the others "
                       "with --run-hooks)",
                       jshim_hook_kind_name (hook.kind), hook.path);
  grown = realloc (cfg->hooks, (cfg->n_hooks + 1) * sizeof (*grown));
  if (grown == NULL)
    return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM, "--hook %s",
                           hook.path);
  cfg->hooks = grown;
  grown[cfg->n_hooks++] = hook;
  return 0;
}

/* Combinations of options that cannot work, checked after parsing. */
static int
check_combinations (const struct jshim_spawn_config *cfg, jshim_error_t *err)
{
  const char *in_root = cfg->n_mounts > 0    ? "--mount"
                        : cfg->n_devices > 0 ? "--device"
                        : cfg->dev_links     ? "--dev-links"
                                             : NULL;
  size_t k;

  if ((cfg->n_masked > 0 || cfg->n_readonly > 0)
      && !(cfg->ns_flags & CLONE_NEWNS))
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "--masked and --readonly need a new mount namespace "
                       "(--ns mount); without one they would change the "
                       "host's mounts");
  if (cfg->root_readonly && cfg->root == NULL)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "--root-readonly needs --root DIR (there is no "
                       "container root to make read-only)");
  if (cfg->root_readonly && !(cfg->ns_flags & CLONE_NEWNS))
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "--root-readonly needs a new mount namespace "
                       "(--ns mount); without one it would change the "
                       "host's mounts");
  if (in_root != NULL && cfg->root == NULL)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "%s needs --root DIR (it works inside the container "
                       "root)",
                       in_root);
  if (in_root != NULL && !(cfg->ns_flags & CLONE_NEWNS))
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "%s needs a new mount namespace (--ns mount); "
                       "without one it would change the host's mounts",
                       in_root);
  if (cfg->rootfs_propagation != 0 && !(cfg->ns_flags & CLONE_NEWNS))
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "--rootfs-propagation needs a new mount namespace "
                       "(--ns mount); without one it would change the "
                       "host's mounts");
  if ((cfg->ns_flags & CLONE_NEWUSER)
      && (!cfg->has_uid_map || !cfg->has_gid_map))
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "--ns user needs both --uid-map and --gid-map (the "
                       "new user namespace's id maps, e.g. "
                       "0:100000:65536)");
  if (!(cfg->ns_flags & CLONE_NEWUSER)
      && (cfg->has_uid_map || cfg->has_gid_map))
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "--uid-map and --gid-map need --ns user (they map "
                       "the ids of a new user namespace)");
  if (cfg->attrs.domainname != NULL && !(cfg->ns_flags & CLONE_NEWUTS))
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "--domainname needs a new uts namespace (--ns uts); "
                       "without one it would change the host's");
  if (cfg->attrs.n_time_offsets > 0 && !(cfg->ns_flags & CLONE_NEWTIME))
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "--time-offset needs a new time namespace (--ns "
                       "time): offsets can only be set on a namespace no "
                       "process has entered yet");
  for (k = 0; k < cfg->n_joins; k++)
    if (cfg->ns_flags & cfg->joins[k].flag)
      return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                         "--join %s=%s and --ns %s both given: a namespace "
                         "is either created or joined",
                         jshim_ns_name (cfg->joins[k].flag),
                         cfg->joins[k].path,
                         jshim_ns_name (cfg->joins[k].flag));
  return 0;
}

static int
parse_args (int argc, char **argv, struct jshim_spawn_config *cfg,
            jshim_error_t *err)
{
  int i;

  for (i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *val = NULL;
      unsigned id;
      int r;

      if (strcmp (arg, "--") == 0)
        {
          i++;
          break;
        }
      if (arg[0] != '-')
        break; /* PROG without a leading "--" */

      if ((r = option_value (argc, argv, &i, "--ns", &val, err)) != 0)
        {
          if (r < 0 || jshim_ns_parse (val, &cfg->ns_flags, err) < 0)
            return -1;
        }
      else if ((r = option_value (argc, argv, &i, "--hostname", &val, err))
               != 0)
        {
          if (r < 0)
            return -1;
          cfg->hostname = val;
        }
      else if ((r = option_value (argc, argv, &i, "--root", &val, err)) != 0)
        {
          if (r < 0)
            return -1;
          if (*val == '\0')
            return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                               "--root must not be empty (expected a "
                               "directory path)");
          cfg->root = val;
        }
      else if ((r = option_value (argc, argv, &i, "--cwd", &val, err)) != 0)
        {
          if (r < 0)
            return -1;
          if (*val == '\0')
            return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                               "--cwd must not be empty (expected a "
                               "directory path)");
          cfg->cwd = val;
        }
      else if ((r = option_value (argc, argv, &i, "--uid", &val, err)) != 0)
        {
          if (r < 0 || parse_id ("--uid", val, &id, err) < 0)
            return -1;
          cfg->has_uid = true;
          cfg->uid = (uid_t) id;
        }
      else if ((r = option_value (argc, argv, &i, "--gid", &val, err)) != 0)
        {
          if (r < 0 || parse_id ("--gid", val, &id, err) < 0)
            return -1;
          cfg->has_gid = true;
          cfg->gid = (gid_t) id;
        }
      else if ((r = option_value (argc, argv, &i, "--groups", &val, err))
               != 0)
        {
          if (r < 0)
            return -1;
          free (cfg->groups);
          cfg->groups = NULL;
          if (jshim_parse_groups (val, &cfg->groups, &cfg->n_groups, err) < 0)
            return -1;
          cfg->has_groups = true;
          cfg->groups_text = val;
        }
      else if ((r = option_value (argc, argv, &i, "--oom-score-adj", &val,
                                  err))
               != 0)
        {
          if (r < 0
              || jshim_parse_oom_score_adj (val, &cfg->oom_score_adj, err) < 0)
            return -1;
          cfg->has_oom_score_adj = true;
        }
      else if ((r = option_value (argc, argv, &i, "--rlimit", &val, err)) != 0)
        {
          struct jshim_rlimit lim;
          size_t k;

          if (r < 0 || jshim_parse_rlimit (val, &lim, err) < 0)
            return -1;
          /* Repeating a resource replaces the earlier value. */
          for (k = 0; k < cfg->n_rlimits; k++)
            if (cfg->rlimits[k].resource == lim.resource)
              break;
          if (k == JSHIM_RLIMIT_COUNT)
            return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                               "too many --rlimit options");
          cfg->rlimits[k] = lim;
          if (k == cfg->n_rlimits)
            cfg->n_rlimits++;
        }
      else if ((r = option_value (argc, argv, &i, "--umask", &val, err)) != 0)
        {
          if (r < 0 || jshim_parse_umask (val, &cfg->umask_value, err) < 0)
            return -1;
          cfg->has_umask = true;
        }
      else if ((r = option_value (argc, argv, &i, "--sysctl", &val, err))
               != 0)
        {
          if (r < 0 || append_sysctl (val, cfg, err) < 0)
            return -1;
        }
      else if ((r = option_value (argc, argv, &i, "--masked", &val, err))
               != 0)
        {
          if (r < 0
              || append_path ("--masked", val, &cfg->masked, &cfg->n_masked,
                              err)
                     < 0)
            return -1;
        }
      else if ((r = option_value (argc, argv, &i, "--readonly", &val, err))
               != 0)
        {
          if (r < 0
              || append_path ("--readonly", val, &cfg->readonly,
                              &cfg->n_readonly, err)
                     < 0)
            return -1;
        }
      else if (strcmp (arg, "--mount") == 0)
        {
          char **values;

          if (option_values (argc, argv, &i, JSHIM_MOUNT_NVALUES,
                             "TYPE SOURCE TARGET FLAGS PROPAGATION DATA",
                             &values, err)
                  < 0
              || append_mount (values, cfg, err) < 0)
            return -1;
        }
      else if (strcmp (arg, "--device") == 0)
        {
          char **values;

          if (option_values (argc, argv, &i, JSHIM_DEVICE_NVALUES,
                             "PATH TYPE MAJOR MINOR MODE UID GID", &values,
                             err)
                  < 0
              || append_device (values, cfg, err) < 0)
            return -1;
        }
      else if (strcmp (arg, "--dev-links") == 0)
        cfg->dev_links = true;
      else if ((r = option_value (argc, argv, &i, "--rootfs-propagation",
                                  &val, err))
               != 0)
        {
          if (r < 0
              || jshim_parse_rootfs_propagation (val,
                                                 &cfg->rootfs_propagation,
                                                 err)
                     < 0)
            return -1;
        }
      else if ((r = option_value (argc, argv, &i, "--uid-map", &val, err))
               != 0)
        {
          if (r < 0
              || jshim_parse_idmap ("--uid-map", val, &cfg->uid_map, err) < 0)
            return -1;
          cfg->has_uid_map = true;
        }
      else if ((r = option_value (argc, argv, &i, "--gid-map", &val, err))
               != 0)
        {
          if (r < 0
              || jshim_parse_idmap ("--gid-map", val, &cfg->gid_map, err) < 0)
            return -1;
          cfg->has_gid_map = true;
        }
      else if ((r = option_value (argc, argv, &i, "--join", &val, err)) != 0)
        {
          if (r < 0 || append_join (val, cfg, err) < 0)
            return -1;
        }
      else if ((r = option_value (argc, argv, &i, "--cgroup", &val, err))
               != 0)
        {
          if (r < 0 || append_cgroup (val, cfg, err) < 0)
            return -1;
        }
      else if ((r = option_value (argc, argv, &i, "--seccomp", &val, err))
               != 0)
        {
          jshim_seccomp_free (cfg->seccomp);
          if (r < 0 || jshim_seccomp_parse (val, &cfg->seccomp, err) < 0)
            return -1;
        }
      else if (strcmp (arg, "--no-new-privs") == 0)
        cfg->no_new_privs = true;
      else if (strcmp (arg, "--root-readonly") == 0)
        cfg->root_readonly = true;
      else if (strcmp (arg, "--console") == 0)
        cfg->console = true;
      else if ((r = jshim_attrs_parse_option (argc, argv, &i, &cfg->attrs,
                                              err))
               != 0)
        {
          if (r < 0)
            return -1;
        }
      else if (strcmp (arg, "--hook") == 0)
        {
          if (append_hook (argc, argv, &i, cfg, err) < 0)
            return -1;
        }
      else if ((r = option_value (argc, argv, &i, "--hook-state", &val, err))
               != 0)
        {
          if (r < 0)
            return -1;
          cfg->hook_state = val;
        }
      else if (strcmp (arg, "--hooks-pause") == 0)
        cfg->hooks_pause = true;
      else if ((r = parse_cap_option (argc, argv, &i, cfg, err)) != 0)
        {
          if (r < 0)
            return -1;
        }
      else
        return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                           "unknown option \"%s\"; usage: " USAGE_TEXT, arg);
    }

  if (check_combinations (cfg, err) < 0)
    return -1;
  if (i >= argc || argv[i][0] == '\0')
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "missing program to run; usage: " USAGE_TEXT);
  cfg->argv = argv + i;
  return 0;
}

static int
workload_entry (void *arg)
{
  jshim_workload_run (arg);
}

/* Send ERR and give the helper's exit code for a failure before the PID. */
static int
report (const jshim_error_t *err, int code)
{
  jshim_send_error (JSHIM_SYNC_FD, err);
  return code;
}

/*
 * Everything the helper does to itself before the clone, so that the
 * workload is born with it: cgroups (host paths, so before any --join),
 * the limits a user namespace would not let the workload set, the joins.
 * With --ns user also the map pipe and a /proc fd for writing the maps
 * (opened before a joined mount namespace can change what /proc is).
 */
static int
prepare_clone (struct jshim_spawn_config *cfg, int *procfd,
               jshim_error_t *err)
{
  size_t i;
  int p[2];

  if (jshim_attrs_affinity_initial (&cfg->attrs, err) < 0)
    return -1;
  for (i = 0; i < cfg->n_cgroups; i++)
    if (jshim_enter_cgroup (cfg->cgroups[i], err) < 0)
      return -1;
  if (jshim_attrs_affinity_final (&cfg->attrs, err) < 0)
    return -1;
  /* Before any join (a joined mount namespace has another /proc) and
     before the clone: the workload is the first process in it. */
  if ((cfg->ns_flags & CLONE_NEWTIME)
      && jshim_attrs_new_time_ns (&cfg->attrs, err) < 0)
    return -1;
  if (cfg->ns_flags & CLONE_NEWUSER)
    {
      *procfd = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (*procfd < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_USERNS, errno,
                               "open /proc to write the id maps");
      if (pipe2 (p, O_CLOEXEC) < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_USERNS, errno,
                               "create the pipe that holds the workload "
                               "until its id maps are written");
      cfg->userns_rfd = p[0];
      cfg->userns_wfd = p[1];
    }
  if (cfg->in_userns
      && (jshim_apply_oom_score_adj (cfg, err) < 0
          || jshim_apply_rlimits (cfg, err) < 0
          || jshim_attrs_apply_ioprio (&cfg->attrs, err) < 0
          || (!jshim_attrs_sched_in_workload (&cfg->attrs)
              && jshim_attrs_apply_sched (&cfg->attrs, err) < 0)))
    return -1;
  return jshim_join_namespaces (cfg->joins, cfg->n_joins, err);
}

/* --ns user: write the maps of PID, then let it go on. */
static int
release_userns (const struct jshim_spawn_config *cfg, int procfd, pid_t pid,
                jshim_error_t *err)
{
  ssize_t n;

  if (jshim_write_idmap (procfd, pid, "uid", &cfg->uid_map, err) < 0
      || jshim_write_idmap (procfd, pid, "gid", &cfg->gid_map, err) < 0)
    return -1;
  /* Our read end is still open, so a workload that died meanwhile cannot
     turn this write into a SIGPIPE. */
  do
    n = write (cfg->userns_wfd, "1", 1);
  while (n < 0 && errno == EINTR);
  if (n != 1)
    return jshim_fail_sys (err, JSHIM_STAGE_USERNS, n < 0 ? errno : EIO,
                           "release the workload after writing its id maps");
  close (cfg->userns_wfd);
  close (cfg->userns_rfd);
  return 0;
}

int
main (int argc, char **argv)
{
  static struct jshim_spawn_config cfg;
  jshim_error_t err;
  char flags_text[256];
  char *stack;
  int clone_flags, procfd = -1, dumpable_rc, dumpable_errno;
  size_t k;
  pid_t pid;
  int rc;

  /* Before anything else, and inherited by the workload until its execve:
     a process that is not dumpable cannot be opened through /proc/PID/exe,
     /proc/PID/fd, /proc/PID/root or ptrace'd by anyone without
     CAP_SYS_PTRACE in the daemon's user namespace.  The workload shows up
     in the container's pid namespace while it is held (an exec, an init
     that shares a pid namespace), and it runs this binary: what a process
     of the container could otherwise open and overwrite (CVE-2019-5736).
     execve resets the flag for the container's own program.
     Not as non-root: our /proc files would turn root's, so the workload
     could not even write its oom_score_adj, and a non-root daemon's
     containers run as its own uid, which could ptrace the daemon itself. */
  dumpable_rc = geteuid () == 0 ? prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) : 0;
  dumpable_errno = errno;
  reset_signals ();
  /* --run keeps the fds it is given above the sync socket (--fds) */
  if (argc > 1 && strcmp (argv[1], "--run") == 0 && dumpable_rc == 0
      && fcntl (JSHIM_SYNC_FD, F_GETFD) >= 0)
    return jshim_run_main (argc, argv);
  jshim_close_fds_from (JSHIM_SYNC_FD + 1);

  if (fcntl (JSHIM_SYNC_FD, F_GETFD) < 0)
    {
      /* Nobody to report to: this only happens when run by hand. */
      fprintf (stderr, "jshim-spawn: fd %d (the sync socket) is not open\n"
               "usage: " USAGE_TEXT "\n", JSHIM_SYNC_FD);
      return EXIT_SPAWN_USAGE;
    }

  jshim_error_clear (&err);
  if (dumpable_rc < 0)
    {
      jshim_fail_sys (&err, JSHIM_STAGE_PROCESS, dumpable_errno,
                      "prctl PR_SET_DUMPABLE 0");
      return report (&err, EXIT_SPAWN_FAILED);
    }
  if (argc > 1 && strcmp (argv[1], "--run-hooks") == 0)
    return jshim_hooks_main (argc, argv);
  cfg.sync_fd = JSHIM_SYNC_FD;
  cfg.envp = environ;
  cfg.userns_rfd = -1;
  cfg.userns_wfd = -1;
  if (parse_args (argc, argv, &cfg, &err) < 0)
    return report (&err, EXIT_SPAWN_USAGE);
  cfg.in_userns = (cfg.ns_flags & CLONE_NEWUSER) != 0;
  for (k = 0; k < cfg.n_joins; k++)
    if (cfg.joins[k].flag == CLONE_NEWUSER)
      cfg.in_userns = true;

  /* A time namespace comes from the helper's unshare (prepare_clone). */
  clone_flags = (cfg.ns_flags & ~CLONE_NEWTIME) | CLONE_PARENT | SIGCHLD;
  if (cfg.ns_flags & CLONE_NEWUSER)
    {
      /* What the kernel makes along with a namespace (an ipc namespace's
         mqueue root) belongs to the creator's ids; made by the clone, to
         ours, the host's root, which the user namespace does not map.  So
         the workload makes those itself once it is root there.  Only a pid
         namespace must come with the clone: unshare would put the
         workload's children in it, not the workload. */
      cfg.unshare_flags
          = cfg.ns_flags & ~(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWTIME);
      clone_flags &= ~cfg.unshare_flags;
    }
  jshim_clone_flags_str (clone_flags, flags_text, sizeof (flags_text));

  stack = malloc (CLONE_STACK_SIZE);
  if (stack == NULL)
    {
      jshim_fail_sys (&err, JSHIM_STAGE_CLONE, ENOMEM,
                      "allocate the clone stack");
      return report (&err, EXIT_SPAWN_FAILED);
    }
  if (prepare_clone (&cfg, &procfd, &err) < 0)
    return report (&err, EXIT_SPAWN_FAILED);

  /* Without CLONE_VM the child gets its own copy of this stack. */
  pid = clone (workload_entry, stack + CLONE_STACK_SIZE, clone_flags, &cfg);
  if (pid < 0)
    {
      jshim_fail_sys (&err, JSHIM_STAGE_CLONE, errno, "clone with flags %s",
                      flags_text);
      return report (&err, EXIT_SPAWN_FAILED);
    }
  /* On failure our exit closes the pipe: the workload sees EOF and exits
     without doing anything; the daemon gets no PID. */
  if ((cfg.ns_flags & CLONE_NEWUSER)
      && release_userns (&cfg, procfd, pid, &err) < 0)
    return report (&err, EXIT_SPAWN_FAILED);

  rc = jshim_send_pid (JSHIM_SYNC_FD, pid);
  return rc < 0 ? EXIT_SPAWN_FAILED : EXIT_SPAWN_OK;
}
