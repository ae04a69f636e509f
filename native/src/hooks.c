#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sync.h"
#include "workload.h"

/* Lowest fd a pipe end may have: 0-2 become the hook's stdio, 3 carries
   the failure of chdir or execve back (and is the sync socket before). */
#define LOW_FD 4

/* Poll interval while waiting for a hook without a pidfd (old kernels). */
#define TICK_MS 20

static const char *const kind_names[JSHIM_HOOK_KINDS] = {
  "prestart",  "createRuntime", "createContainer",
  "startContainer", "poststart", "poststop",
};

const char *
jshim_hook_kind_name (int kind)
{
  return kind >= 0 && kind < JSHIM_HOOK_KINDS ? kind_names[kind] : NULL;
}

int
jshim_hook_kind_parse (const char *name)
{
  int k;

  for (k = 0; k < JSHIM_HOOK_KINDS; k++)
    if (strcmp (name, kind_names[k]) == 0)
      return k;
  return -1;
}

static int
parse_count (const char *what, const char *text, unsigned long max,
             unsigned long *out, jshim_error_t *err)
{
  char *end;

  if (text[0] < '0' || text[0] > '9')
    goto bad;
  errno = 0;
  *out = strtoul (text, &end, 10);
  if (errno != 0 || *end != '\0' || *out > max)
    goto bad;
  return 0;
bad:
  return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                     "invalid --hook %s \"%s\": expected a decimal number "
                     "from 0 to %lu",
                     what, text, max);
}

/* NULL terminated copy of the N pointers at FROM (malloc'ed). */
static char **
string_list (char **from, size_t n)
{
  char **list = calloc (n + 1, sizeof (*list));

  if (list != NULL && n > 0)
    memcpy (list, from, n * sizeof (*list));
  return list;
}

int
jshim_parse_hook (int argc, char **argv, int *i, struct jshim_hook *out,
                  jshim_error_t *err)
{
  unsigned long timeout, nargs, nenv;
  int at = *i + 1;
  int left = argc - at;

  memset (out, 0, sizeof (*out));
  if (left < 4)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "--hook needs KIND TIMEOUT PATH NARGS ARG... NENV "
                       "ENV..., got %d values",
                       left);
  out->kind = jshim_hook_kind_parse (argv[at]);
  if (out->kind < 0)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --hook KIND \"%s\": expected prestart, "
                       "createRuntime, createContainer, startContainer, "
                       "poststart or poststop",
                       argv[at]);
  if (parse_count ("TIMEOUT", argv[at + 1], JSHIM_HOOK_TIMEOUT_MAX, &timeout,
                   err)
      < 0)
    return -1;
  out->timeout = (unsigned) timeout;
  out->path = argv[at + 2];
  if (out->path[0] != '/')
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --hook PATH \"%s\": expected an absolute "
                       "path",
                       out->path);
  if (parse_count ("NARGS", argv[at + 3], (unsigned long) argc, &nargs, err)
      < 0)
    return -1;
  at += 4;
  if ((unsigned long) (argc - at) < nargs + 1)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "--hook %s: NARGS is %lu but only %d values follow",
                       out->path, nargs, argc - at);
  /* as Go's exec.Cmd does it for runc: no args means argv[0] = path */
  out->argv = nargs == 0 ? string_list ((char **) &out->path, 1)
                         : string_list (argv + at, nargs);
  at += (int) nargs;
  if (parse_count ("NENV", argv[at], (unsigned long) argc, &nenv, err) < 0)
    return -1;
  at++;
  if ((unsigned long) (argc - at) < nenv)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "--hook %s: NENV is %lu but only %d values follow",
                       out->path, nenv, argc - at);
  out->envp = string_list (argv + at, nenv);
  if (out->argv == NULL || out->envp == NULL)
    return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM, "--hook %s",
                           out->path);
  *i = at + (int) nenv - 1;
  return 0;
}

char *
jshim_hook_state (const char *state, const char *status, pid_t pid)
{
  const char *rest;
  size_t cap;
  char *out;

  if (state[0] != '{')
    {
      errno = EINVAL;
      return NULL;
    }
  rest = state + 1;
  while (*rest == ' ')
    rest++;
  cap = strlen (state) + strlen (status) + 48;
  out = malloc (cap);
  if (out == NULL)
    return NULL;
  snprintf (out, cap, "{\"status\":\"%s\",\"pid\":%ld%s%s", status, (long) pid,
            *rest == '}' ? "" : ",", rest);
  return out;
}

/* pipe2 with both ends at LOW_FD or above, close-on-exec. */
static int
pipe_high (int p[2])
{
  int k;

  if (pipe2 (p, O_CLOEXEC) < 0)
    return -1;
  for (k = 0; k < 2; k++)
    if (p[k] < LOW_FD)
      {
        int moved = fcntl (p[k], F_DUPFD_CLOEXEC, LOW_FD);

        close (p[k]);
        p[k] = moved;
        if (moved < 0)
          return -1;
      }
  return 0;
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

/* What went wrong in the child before the hook's program ran. */
struct child_failure
{
  int step; /* 1 chdir, 2 execve */
  int err;
};

__attribute__ ((noreturn)) static void
child (const struct jshim_hook *hook, const char *cwd, int in, int out,
       int errfd, int report)
{
  struct child_failure f = { 0, 0 };
  struct sigaction sa;
  sigset_t empty;
  int sig;

  if (dup2 (in, 0) < 0 || dup2 (out, 1) < 0 || dup2 (errfd, 2) < 0
      || dup3 (report, 3, O_CLOEXEC) < 0)
    _exit (127);
  jshim_close_fds_from (LOW_FD);
  memset (&sa, 0, sizeof (sa));
  sa.sa_handler = SIG_DFL;
  for (sig = 1; sig < _NSIG; sig++)
    sigaction (sig, &sa, NULL);
  sigemptyset (&empty);
  sigprocmask (SIG_SETMASK, &empty, NULL);
  if (cwd != NULL && chdir (cwd) < 0)
    f.step = 1;
  else
    {
      execve (hook->path, hook->argv, hook->envp);
      f.step = 2;
    }
  f.err = errno;
  if (write (3, &f, sizeof (f)) < 0)
    _exit (127);
  _exit (127);
}

struct output
{
  int fd;
  char text[JSHIM_HOOK_OUTPUT_MAX + 1];
  size_t len;
};

/* Read what is there; keeps the first bytes, drops the rest. */
static void
drain (struct output *o)
{
  char buf[4096];
  ssize_t n;

  if (o->fd < 0)
    return;
  n = read (o->fd, buf, sizeof (buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0)
    {
      close_fd (&o->fd);
      return;
    }
  if (o->len < JSHIM_HOOK_OUTPUT_MAX)
    {
      size_t take = (size_t) n;

      if (take > JSHIM_HOOK_OUTPUT_MAX - o->len)
        take = JSHIM_HOOK_OUTPUT_MAX - o->len;
      memcpy (o->text + o->len, buf, take);
      o->len += take;
      o->text[o->len] = '\0';
    }
}

static long
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The hook's output without its last newline, for a message. */
static int
trimmed (const struct output *o)
{
  size_t len = o->len;

  while (len > 0 && (o->text[len - 1] == '\n' || o->text[len - 1] == '\r'))
    len--;
  return (int) len;
}

struct run
{
  pid_t pid;
  int pidfd;
  int in;
  int report;
  struct output out, errout;
  struct child_failure failure;
  bool reaped, timed_out;
  int status;
};

/* One poll round; returns false once the child is reaped or killed. */
static bool
step (struct run *r, const char *state, size_t *written, size_t state_len,
      long deadline)
{
  struct pollfd fds[5];
  nfds_t n = 0;
  int tmo = -1, rc;
  size_t k;

  if (r->in >= 0)
    fds[n++] = (struct pollfd){ .fd = r->in, .events = POLLOUT };
  if (r->out.fd >= 0)
    fds[n++] = (struct pollfd){ .fd = r->out.fd, .events = POLLIN };
  if (r->errout.fd >= 0)
    fds[n++] = (struct pollfd){ .fd = r->errout.fd, .events = POLLIN };
  if (r->report >= 0)
    fds[n++] = (struct pollfd){ .fd = r->report, .events = POLLIN };
  if (r->pidfd >= 0)
    fds[n++] = (struct pollfd){ .fd = r->pidfd, .events = POLLIN };
  else
    tmo = TICK_MS;
  if (deadline >= 0)
    {
      long left = deadline - now_ms ();

      if (left <= 0)
        {
          kill (r->pid, SIGKILL);
          r->timed_out = true;
          return false;
        }
      if (tmo < 0 || left < tmo)
        tmo = (int) left;
    }
  rc = poll (fds, n, tmo);
  if (rc < 0 && errno != EINTR)
    tmo = TICK_MS; /* should not happen: fall back to polling waitpid */
  for (k = 0; rc > 0 && k < n; k++)
    {
      if (fds[k].revents == 0)
        continue;
      if (fds[k].fd == r->in)
        {
          ssize_t w = write (r->in, state + *written, state_len - *written);

          if (w > 0)
            *written += (size_t) w;
          /* EPIPE: the hook does not read its stdin, which is its right */
          if ((w < 0 && errno != EAGAIN && errno != EINTR)
              || *written == state_len)
            close_fd (&r->in);
        }
      else if (fds[k].fd == r->out.fd)
        drain (&r->out);
      else if (fds[k].fd == r->errout.fd)
        drain (&r->errout);
      else if (fds[k].fd == r->report)
        {
          ssize_t got = read (r->report, &r->failure, sizeof (r->failure));

          if (got != (ssize_t) sizeof (r->failure))
            r->failure.step = 0;
          close_fd (&r->report);
        }
    }
  rc = waitpid (r->pid, &r->status, WNOHANG);
  if (rc == r->pid)
    {
      r->reaped = true;
      return false;
    }
  return true;
}

static int
start_child (const struct jshim_hook *hook, const char *cwd, struct run *r,
             jshim_error_t *err)
{
  int in[2] = { -1, -1 }, out[2] = { -1, -1 }, errp[2] = { -1, -1 };
  int rep[2] = { -1, -1 };
  int rc = 0;

  if (pipe_high (in) < 0 || pipe_high (out) < 0 || pipe_high (errp) < 0
      || pipe_high (rep) < 0)
    rc = jshim_fail_sys (err, JSHIM_STAGE_HOOK, errno,
                         "%s hook %s: create its pipes",
                         jshim_hook_kind_name (hook->kind), hook->path);
  else
    {
      r->pid = fork ();
      if (r->pid == 0)
        child (hook, cwd, in[0], out[1], errp[1], rep[1]);
      if (r->pid < 0)
        rc = jshim_fail_sys (err, JSHIM_STAGE_HOOK, errno,
                             "%s hook %s: fork",
                             jshim_hook_kind_name (hook->kind), hook->path);
    }
  close_fd (&in[0]);
  close_fd (&out[1]);
  close_fd (&errp[1]);
  close_fd (&rep[1]);
  r->in = in[1];
  r->out.fd = out[0];
  r->errout.fd = errp[0];
  r->report = rep[0];
  if (rc < 0)
    return -1;
  fcntl (r->in, F_SETFL, fcntl (r->in, F_GETFL) | O_NONBLOCK);
  fcntl (r->out.fd, F_SETFL, fcntl (r->out.fd, F_GETFL) | O_NONBLOCK);
  fcntl (r->errout.fd, F_SETFL, fcntl (r->errout.fd, F_GETFL) | O_NONBLOCK);
  r->pidfd = (int) syscall (SYS_pidfd_open, r->pid, 0);
  return 0;
}

static int
outcome (const struct jshim_hook *hook, size_t index, struct run *r,
         jshim_error_t *err)
{
  const char *kind = jshim_hook_kind_name (hook->kind);
  char what[96];

  if (r->failure.step != 0)
    return jshim_fail_sys (err, JSHIM_STAGE_HOOK, r->failure.err,
                           "%s hook #%zu: %s %s", kind, index,
                           r->failure.step == 1 ? "chdir before running"
                                                : "execve",
                           hook->path);
  if (r->timed_out)
    return jshim_fail (err, JSHIM_STAGE_HOOK, 0,
                       "%s hook #%zu (%s) ran past its timeout of %u s and "
                       "was killed",
                       kind, index, hook->path, hook->timeout);
  if (WIFEXITED (r->status) && WEXITSTATUS (r->status) == 0)
    return 0;
  if (WIFEXITED (r->status))
    snprintf (what, sizeof (what), "exited with status %d",
              WEXITSTATUS (r->status));
  else
    snprintf (what, sizeof (what), "was killed by signal %d",
              WTERMSIG (r->status));
  return jshim_fail (err, JSHIM_STAGE_HOOK, 0,
                     "%s hook #%zu (%s) %s (expected: status 0); stdout: "
                     "\"%.*s\", stderr: \"%.*s\"",
                     kind, index, hook->path, what, trimmed (&r->out),
                     r->out.text, trimmed (&r->errout), r->errout.text);
}

int
jshim_hook_run (const struct jshim_hook *hook, size_t index,
                const char *state, const char *cwd, jshim_error_t *err)
{
  struct sigaction ignore, old;
  struct run r;
  size_t written = 0, state_len = strlen (state);
  long deadline = hook->timeout > 0 ? now_ms () + hook->timeout * 1000L : -1;
  int rc;

  memset (&r, 0, sizeof (r));
  r.pidfd = -1;
  /* a hook that does not read its stdin must not kill us with SIGPIPE */
  memset (&ignore, 0, sizeof (ignore));
  ignore.sa_handler = SIG_IGN;
  sigaction (SIGPIPE, &ignore, &old);
  rc = start_child (hook, cwd, &r, err);
  if (rc == 0)
    {
      while (step (&r, state, &written, state_len, deadline))
        ;
      if (!r.reaped)
        while (waitpid (r.pid, &r.status, 0) < 0 && errno == EINTR)
          ;
      /* what it wrote before it ended; a background child of the hook
         that keeps the pipes open is not waited for */
      drain (&r.out);
      drain (&r.errout);
      if (r.report >= 0
          && read (r.report, &r.failure, sizeof (r.failure))
                 != (ssize_t) sizeof (r.failure))
        r.failure.step = 0;
      rc = outcome (hook, index, &r, err);
    }
  sigaction (SIGPIPE, &old, NULL);
  close_fd (&r.in);
  close_fd (&r.out.fd);
  close_fd (&r.errout.fd);
  close_fd (&r.report);
  close_fd (&r.pidfd);
  return rc;
}

int
jshim_hooks_run (const struct jshim_hook *hooks, size_t n, int kind,
                 const char *state, const char *cwd, jshim_error_t *err)
{
  size_t k, index = 0;

  for (k = 0; k < n; k++)
    {
      if (hooks[k].kind != kind)
        continue;
      if (jshim_hook_run (&hooks[k], index, state, cwd, err) < 0)
        return -1;
      index++;
    }
  return 0;
}

int
jshim_hooks_main (int argc, char **argv)
{
  struct jshim_hook *hooks = NULL;
  size_t n = 0, k, index[JSHIM_HOOK_KINDS] = { 0 };
  const char *state = "{}", *cwd = NULL;
  jshim_error_t err;
  int i;

  jshim_error_clear (&err);
  for (i = 2; i < argc; i++)
    {
      if (strcmp (argv[i], "--hook") == 0)
        {
          struct jshim_hook *grown = realloc (hooks, (n + 1) * sizeof (*hooks));

          if (grown == NULL)
            {
              jshim_fail_sys (&err, JSHIM_STAGE_ARGS, ENOMEM, "--hook");
              goto failed;
            }
          hooks = grown;
          if (jshim_parse_hook (argc, argv, &i, &hooks[n], &err) < 0)
            goto failed;
          n++;
        }
      else if (strcmp (argv[i], "--hook-state") == 0 && i + 1 < argc)
        state = argv[++i];
      else if (strcmp (argv[i], "--hook-cwd") == 0 && i + 1 < argc)
        cwd = argv[++i];
      else
        {
          jshim_fail (&err, JSHIM_STAGE_ARGS, EINVAL,
                      "--run-hooks: unknown or incomplete option \"%s\" "
                      "(expected: --hook-state JSON, --hook-cwd DIR, --hook "
                      "KIND TIMEOUT PATH NARGS ARG... NENV ENV...)",
                      argv[i]);
          goto failed;
        }
    }
  for (k = 0; k < n; k++)
    if (jshim_hook_run (&hooks[k], index[hooks[k].kind]++, state, cwd, &err)
        < 0)
      goto failed;
  return jshim_send_ready (JSHIM_SYNC_FD) < 0 ? 1 : 0;

failed:
  jshim_send_error (JSHIM_SYNC_FD, &err);
  return 1;
}
