/* jshim-spawn --run: see run.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "error.h"
#include "options.h"
#include "run.h"
#include "sync.h"
#include "workload.h"

#define RUN_USAGE                                                         \
  "jshim-spawn --run [--cgroup DIR]... [--fds N] [--timeout S] "           \
  "[--bind-self DIR] -- PATH [ARGS...]"
#define RUN_MAX_CGROUPS 16
#define RUN_MAX_FDS 64

struct run_config
{
  const char *cgroups[RUN_MAX_CGROUPS];
  size_t n_cgroups;
  long fds;
  long timeout_s;
  const char *bind_self;
  char **argv;
};

static int
parse_count (const char *opt, const char *text, long max, long *out,
             jshim_error_t *err)
{
  char *end;
  long v;

  errno = 0;
  v = strtol (text, &end, 10);
  if (text[0] < '0' || text[0] > '9' || errno != 0 || *end != '\0' || v > max)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid %s \"%s\": expected a decimal number from 0 "
                       "to %ld",
                       opt, text, max);
  *out = v;
  return 0;
}

static int
parse_run_args (int argc, char **argv, struct run_config *cfg,
                jshim_error_t *err)
{
  int i;

  for (i = 2; i < argc; i++)
    {
      const char *value;
      int m;

      if (strcmp (argv[i], "--") == 0)
        {
          if (i + 1 >= argc || argv[i + 1][0] != '/')
            return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                               "--run: missing program after -- (expected "
                               "an absolute path); usage: " RUN_USAGE);
          cfg->argv = &argv[i + 1];
          return 0;
        }
      if ((m = jshim_option_value (argc, argv, &i, "--cgroup", &value,
                                   RUN_USAGE, err))
          != 0)
        {
          if (m < 0 || jshim_check_cgroup_dir (value, err) < 0)
            return -1;
          if (cfg->n_cgroups == RUN_MAX_CGROUPS)
            return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                               "--run: more than %d --cgroup options",
                               RUN_MAX_CGROUPS);
          cfg->cgroups[cfg->n_cgroups++] = value;
          continue;
        }
      if ((m = jshim_option_value (argc, argv, &i, "--fds", &value, RUN_USAGE,
                                   err))
          != 0)
        {
          if (m < 0 || parse_count ("--fds", value, RUN_MAX_FDS, &cfg->fds, err) < 0)
            return -1;
          continue;
        }
      if ((m = jshim_option_value (argc, argv, &i, "--timeout", &value,
                                   RUN_USAGE, err))
          != 0)
        {
          if (m < 0
              || parse_count ("--timeout", value, 86400, &cfg->timeout_s, err)
                     < 0)
            return -1;
          continue;
        }
      if ((m = jshim_option_value (argc, argv, &i, "--bind-self", &value,
                                   RUN_USAGE, err))
          != 0)
        {
          if (m < 0)
            return -1;
          if (value[0] != '/')
            return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                               "invalid --bind-self \"%s\": expected an "
                               "absolute path",
                               value);
          cfg->bind_self = value;
          continue;
        }
      return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                         "--run: unknown option \"%s\"; usage: " RUN_USAGE,
                         argv[i]);
    }
  return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                     "--run: missing -- PATH; usage: " RUN_USAGE);
}

/* In the forked child: never returns.  Failures go to ERRFD as an errno
   and a stage, which the parent reports. */
static void
run_child (const struct run_config *cfg, int errfd)
{
  jshim_error_t err;
  sigset_t empty;

  jshim_error_clear (&err);
  sigemptyset (&empty);
  sigprocmask (SIG_SETMASK, &empty, NULL);
  close (JSHIM_SYNC_FD);
  if (cfg->bind_self != NULL)
    {
      if (unshare (CLONE_NEWNS) < 0)
        {
          jshim_fail_sys (&err, JSHIM_STAGE_MOUNT, errno,
                          "unshare the mount namespace for --bind-self");
          goto failed;
        }
      if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        {
          jshim_fail_sys (&err, JSHIM_STAGE_MOUNT, errno,
                          "make / private for --bind-self");
          goto failed;
        }
      if (mount (cfg->bind_self, cfg->bind_self, NULL, MS_BIND | MS_REC, NULL)
          < 0)
        {
          jshim_fail_sys (&err, JSHIM_STAGE_MOUNT, errno,
                          "bind-mount %s onto itself (--bind-self)",
                          cfg->bind_self);
          goto failed;
        }
    }
  execv (cfg->argv[0], cfg->argv);
  jshim_fail_sys (&err, JSHIM_STAGE_EXEC, errno, "execute %s", cfg->argv[0]);

failed:
  {
    ssize_t n;

    do
      n = write (errfd, &err, sizeof (err));
    while (n < 0 && errno == EINTR);
  }
  _exit (127);
}

/* Waits for PID, at most TIMEOUT_S seconds (0: no limit); SIGCHLD is
   blocked.  Returns the wait status, or -1 after a timeout (PID killed and
   reaped). */
static int
wait_child (pid_t pid, long timeout_s)
{
  struct timespec deadline, now, left;
  sigset_t chld;
  int status;

  sigemptyset (&chld);
  sigaddset (&chld, SIGCHLD);
  clock_gettime (CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += timeout_s;
  for (;;)
    {
      pid_t r = waitpid (pid, &status, timeout_s > 0 ? WNOHANG : 0);

      if (r == pid)
        return status;
      if (r < 0 && errno != EINTR)
        return 0;
      if (timeout_s == 0)
        continue;
      clock_gettime (CLOCK_MONOTONIC, &now);
      left.tv_sec = deadline.tv_sec - now.tv_sec;
      left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
      if (left.tv_nsec < 0)
        {
          left.tv_sec--;
          left.tv_nsec += 1000000000L;
        }
      if (left.tv_sec < 0)
        {
          kill (pid, SIGKILL);
          while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
            ;
          return -1;
        }
      sigtimedwait (&chld, NULL, &left);
    }
}

int
jshim_run_main (int argc, char **argv)
{
  static struct run_config cfg;
  jshim_error_t err;
  sigset_t chld;
  int errpipe[2], status;
  size_t k;
  ssize_t n;
  pid_t pid;

  jshim_error_clear (&err);
  if (parse_run_args (argc, argv, &cfg, &err) < 0)
    {
      jshim_close_fds_from (JSHIM_SYNC_FD + 1);
      jshim_send_error (JSHIM_SYNC_FD, &err);
      return 2;
    }
  jshim_close_fds_from (JSHIM_SYNC_FD + 1 + (int) cfg.fds);
  for (k = 0; k < cfg.n_cgroups; k++)
    if (jshim_enter_cgroup (cfg.cgroups[k], &err) < 0)
      goto failed;
  if (pipe2 (errpipe, O_CLOEXEC) < 0)
    {
      jshim_fail_sys (&err, JSHIM_STAGE_CLONE, errno, "pipe");
      goto failed;
    }
  sigemptyset (&chld);
  sigaddset (&chld, SIGCHLD);
  sigprocmask (SIG_BLOCK, &chld, NULL);
  pid = fork ();
  if (pid < 0)
    {
      jshim_fail_sys (&err, JSHIM_STAGE_CLONE, errno, "fork to run %s",
                      cfg.argv[0]);
      goto failed;
    }
  if (pid == 0)
    run_child (&cfg, errpipe[1]);
  close (errpipe[1]);
  status = wait_child (pid, cfg.timeout_s);
  do
    n = read (errpipe[0], &err, sizeof (err));
  while (n < 0 && errno == EINTR);
  if (n == (ssize_t) sizeof (err))
    {
      err.msg[JSHIM_ERROR_MSG_MAX] = '\0';
      goto failed;
    }
  jshim_error_clear (&err);
  if (status < 0)
    jshim_fail (&err, JSHIM_STAGE_RUN, ETIMEDOUT,
                "%s did not finish within %ld s and was killed", cfg.argv[0],
                cfg.timeout_s);
  else if (WIFSIGNALED (status))
    jshim_fail (&err, JSHIM_STAGE_RUN, 0, "%s was killed by signal %d",
                cfg.argv[0], WTERMSIG (status));
  else if (WEXITSTATUS (status) != 0)
    jshim_fail (&err, JSHIM_STAGE_RUN, 0, "%s exited with status %d",
                cfg.argv[0], WEXITSTATUS (status));
  else
    return jshim_send_ready (JSHIM_SYNC_FD) < 0 ? 1 : 0;

failed:
  jshim_send_error (JSHIM_SYNC_FD, &err);
  return 1;
}
