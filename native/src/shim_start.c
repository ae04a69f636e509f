/*
 * The start action (see shim_start.h and README.md, "containerd-shim-jshim-v2").
 *
 *   1. group key from ./config.json, socket path from its hash;
 *   2. flock SOCKET.lock;
 *   3. a daemon answers on SOCKET: reuse it;  otherwise remove a stale
 *      socket, launch the daemon (new session, stdio not ours) and wait
 *      until it answers;
 *   4. write ./address atomically, print the address.
 */
#include "shim_start.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "numbers.h"
#include "sha256.h"
#include "shim_group.h"

#define CONFIG_MAX (64 * 1024 * 1024)

extern char **environ;

void
jshim_shim_group_hash (const char *address, const char *namespace,
                       const char *key, char hash[65])
{
  jshim_sha256_t ctx;
  uint8_t d[JSHIM_SHA256_SIZE];
  int i;

  jshim_sha256_init (&ctx);
  jshim_sha256_update (&ctx, address, strlen (address));
  jshim_sha256_update (&ctx, "/", 1);
  jshim_sha256_update (&ctx, namespace, strlen (namespace));
  jshim_sha256_update (&ctx, "/", 1);
  jshim_sha256_update (&ctx, key, strlen (key));
  jshim_sha256_final (&ctx, d);
  for (i = 0; i < JSHIM_SHA256_SIZE; i++)
    snprintf (hash + 2 * i, 3, "%02x", d[i]);
}

int
jshim_shim_socket_path (const char *dir, const char *address,
                        const char *namespace, const char *key, char *out,
                        size_t size, jshim_error_t *err)
{
  char hash[65];
  struct sockaddr_un sun;
  int n;

  jshim_shim_group_hash (address, namespace, key, hash);
  n = snprintf (out, size, "%s/%s", dir, hash);
  /* ".grpc" and ".lock" are appended to it as well. */
  if (n < 0 || (size_t) n + 6 > size
      || (size_t) n + 5 >= sizeof (sun.sun_path))
    return jshim_fail (err, 0, ENAMETOOLONG,
                       "socket path %s/%s.grpc is too long for a Unix socket",
                       dir, hash);
  return 0;
}

int
jshim_shim_state_dir (const char *hash, char *out, size_t size,
                      jshim_error_t *err)
{
  const char *base = getenv ("JSHIM_SHIM_STATE_DIR");

  if (base == NULL || *base == '\0')
    base = JSHIM_SHIM_STATE_DIR;
  if (snprintf (out, size, "%s/%s", base, hash) >= (int) size)
    return jshim_fail (err, 0, ENAMETOOLONG, "state dir %s/%s: too long",
                       base, hash);
  return 0;
}

int
jshim_shim_group_of (const char *config_path, const jshim_shim_args_t *args,
                     jshim_grouping_t grouping, char hash[65],
                     jshim_error_t *err)
{
  char *config = NULL, *key = NULL;
  size_t len = 0;

  if (jshim_read_file (config_path, &config, &len, err) < 0)
    return -1;
  if (jshim_group_key (config, len, args->namespace, grouping, &key, err) < 0)
    {
      free (config);
      return -1;
    }
  jshim_shim_group_hash (args->address, args->namespace, key, hash);
  free (config);
  free (key);
  return 0;
}

/* ------------------------------------------------------------------ */

int
jshim_read_file (const char *path, char **data, size_t *len,
                 jshim_error_t *err)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  char *buf = NULL;
  size_t used = 0, cap = 0;

  if (fd < 0)
    return jshim_fail_sys (err, 0, errno, "open %s", path);
  while (true)
    {
      ssize_t r;

      if (used == cap)
        {
          char *nb;

          if (cap >= CONFIG_MAX)
            {
              close (fd);
              free (buf);
              return jshim_fail (err, 0, EFBIG, "%s is larger than %d bytes",
                                 path, CONFIG_MAX);
            }
          cap = cap ? cap * 2 : 16384;
          nb = realloc (buf, cap);
          if (nb == NULL)
            {
              close (fd);
              free (buf);
              return jshim_fail_sys (err, 0, ENOMEM, "read %s", path);
            }
          buf = nb;
        }
      r = read (fd, buf + used, cap - used);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int e = errno;

          close (fd);
          free (buf);
          return jshim_fail_sys (err, 0, e, "read %s", path);
        }
      if (r == 0)
        break;
      used += (size_t) r;
    }
  close (fd);
  *data = buf;
  *len = used;
  return 0;
}

static int
mkdir_p (const char *path, mode_t mode, jshim_error_t *err)
{
  char buf[PATH_MAX];
  size_t i, len = strlen (path);

  if (len >= sizeof (buf))
    return jshim_fail (err, 0, ENAMETOOLONG, "mkdir %s: path too long", path);
  memcpy (buf, path, len + 1);
  for (i = 1; i <= len; i++)
    if (buf[i] == '/' || buf[i] == '\0')
      {
        char c = buf[i];

        buf[i] = '\0';
        if (mkdir (buf, mode) < 0 && errno != EEXIST)
          return jshim_fail_sys (err, 0, errno, "mkdir %s", buf);
        buf[i] = c;
      }
  return 0;
}

/* 0 when something accepts on PATH, else -1 with errno (ECONNREFUSED:
   a socket file nobody listens on; ENOENT: no file). */
static int
try_connect (const char *path)
{
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  int fd, r, e;

  strncpy (sun.sun_path, path, sizeof (sun.sun_path) - 1);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  do
    r = connect (fd, (struct sockaddr *) &sun, sizeof (sun));
  while (r < 0 && errno == EINTR);
  e = errno;
  close (fd);
  errno = e;
  return r;
}

/* Write BUNDLE/NAME = TEXT (no newline) through a temp file. */
static int
write_bundle_file (const char *name, const char *text, jshim_error_t *err)
{
  char tmp[] = ".bundle-file.XXXXXX";
  size_t len = strlen (text);
  int fd = mkostemp (tmp, O_CLOEXEC);

  if (fd < 0)
    return jshim_fail_sys (err, 0, errno, "create %s in the bundle", tmp);
  if (fchmod (fd, 0644) < 0 || write (fd, text, len) != (ssize_t) len
      || fsync (fd) < 0)
    {
      int e = errno ? errno : EIO;

      close (fd);
      unlink (tmp);
      return jshim_fail_sys (err, 0, e, "write %s in the bundle", tmp);
    }
  if (close (fd) < 0 || rename (tmp, name) < 0)
    {
      int e = errno;

      unlink (tmp);
      return jshim_fail_sys (err, 0, e, "rename %s to %s in the bundle",
                             tmp, name);
    }
  return 0;
}

static bool
is_group_hash (const char *text, size_t len)
{
  size_t i;

  if (len != 64)
    return false;
  for (i = 0; i < len; i++)
    if (!((text[i] >= '0' && text[i] <= '9')
          || (text[i] >= 'a' && text[i] <= 'f')))
      return false;
  return true;
}

int
jshim_shim_recorded_group (const char *bundle, char hash[65],
                           jshim_error_t *err)
{
  char path[PATH_MAX], *text = NULL;
  size_t len = 0;

  jshim_error_clear (err);
  if (snprintf (path, sizeof (path), "%s/" JSHIM_GROUP_FILE, bundle)
      >= (int) sizeof (path))
    return jshim_fail (err, 0, ENAMETOOLONG, "%s/" JSHIM_GROUP_FILE
                       ": too long", bundle);
  if (access (path, F_OK) < 0 && errno == ENOENT)
    return 0;
  if (jshim_read_file (path, &text, &len, err) < 0)
    return -1;
  if (!is_group_hash (text, len))
    {
      free (text);
      return jshim_fail (err, 0, EINVAL, "%s: not a group (expected 64 "
                         "lower-case hex digits, as start writes)", path);
    }
  memcpy (hash, text, 64);
  hash[64] = '\0';
  free (text);
  return 1;
}

/*
 * The daemon's stdout and stderr: STATE_DIR/daemon.log, appended to.  Not
 * the bundle's log FIFO that containerd reads: one daemon outlives the
 * container whose start launched it, and containerd closes that FIFO when
 * the container goes.  LOG_NAME gets the path.
 */
static int
open_daemon_log (const char *state_dir, char *log_name, size_t size,
                 jshim_error_t *err)
{
  int fd;

  if (snprintf (log_name, size, "%s/daemon.log", state_dir) >= (int) size)
    return jshim_fail (err, 0, ENAMETOOLONG, "%s/daemon.log: too long",
                       state_dir);
  fd = open (log_name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY,
             0600);
  if (fd < 0)
    return jshim_fail_sys (err, 0, errno, "open %s", log_name);
  return fd;
}

/* environ without NAME1= and NAME2=, plus the two given entries. */
static char **
daemon_env (char *add1, char *add2)
{
  size_t n = 0, i, j = 0;
  char **env;

  while (environ[n] != NULL)
    n++;
  env = calloc (n + 3, sizeof (char *));
  if (env == NULL)
    return NULL;
  for (i = 0; i < n; i++)
    if (strncmp (environ[i], "JSHIM_NAMESPACE=", 16) != 0
        && strncmp (environ[i], "JSHIM_CONTAINERD_ADDRESS=", 25) != 0)
      env[j++] = environ[i];
  env[j++] = add1;
  env[j++] = add2;
  env[j] = NULL;
  return env;
}

/* In the child: FD moved to at least 10, or -1. */
static int
high_fd (int fd)
{
  return fcntl (fd, F_DUPFD_CLOEXEC, 10);
}

static void
close_from (int first)
{
#ifdef SYS_close_range
  if (syscall (SYS_close_range, (unsigned) first, ~0U, 0) == 0)
    return;
#endif
  {
    long max = sysconf (_SC_OPEN_MAX);
    int fd;

    if (max < 0 || max > 1 << 20)
      max = 1 << 20;
    for (fd = first; fd < max; fd++)
      close (fd);
  }
}

/* oom_score_adj of process PID ("self" or a number), or INT_MIN. */
static int
oom_score_adj_of (const char *pid)
{
  char path[64];
  FILE *f;
  int v;

  snprintf (path, sizeof (path), "/proc/%s/oom_score_adj", pid);
  f = fopen (path, "re");
  if (f == NULL)
    return INT_MIN;
  if (fscanf (f, "%d", &v) != 1)
    v = INT_MIN;
  fclose (f);
  return v;
}

/*
 * containerd's score + 1 for the daemon, as containerd's own shims do: under
 * memory pressure the kernel kills the shim before containerd.  Best effort
 * (an unprivileged start cannot lower its score): nothing is reported.
 */
static void
set_daemon_oom_score (int caller_score)
{
  char value[16];
  int fd, n;

  if (caller_score == INT_MIN)
    return;
  n = snprintf (value, sizeof (value), "%d",
                caller_score < 1000 ? caller_score + 1 : 1000);
  fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  if (write (fd, value, (size_t) n) < 0)
    {
      /* best effort, see above */
    }
  close (fd);
}

/* Child side of the launch; never returns. ERRFD gets errno on failure. */
static void __attribute__ ((noreturn))
exec_daemon (char **argv, char **envp, const char *state_dir, int nullfd,
             int logfd, int errfd, int caller_score)
{
  sigset_t none;
  int e, sig, report;

  nullfd = high_fd (nullfd);
  logfd = high_fd (logfd);
  errfd = high_fd (errfd);
  report = errfd;
  if (nullfd < 0 || logfd < 0 || errfd < 0)
    goto fail;
  /* Its own session (and process group): away from containerd's. */
  if (setsid () < 0)
    goto fail;
  if (dup2 (nullfd, 0) < 0 || dup2 (logfd, 1) < 0 || dup2 (logfd, 2) < 0
      || dup3 (errfd, 3, O_CLOEXEC) < 0)
    goto fail;
  report = 3;
  close_from (4);
  for (sig = 1; sig < NSIG; sig++)
    signal (sig, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  if (chdir (state_dir) < 0)
    goto fail;
  set_daemon_oom_score (caller_score);
  execve (argv[0], argv, envp);
fail:
  e = errno;
  if (report >= 0 && write (report, &e, sizeof (e)) < 0)
    _exit (127);
  _exit (127);
}

static long
elapsed_ms (const struct timespec *since)
{
  struct timespec now;

  clock_gettime (CLOCK_MONOTONIC, &now);
  return (now.tv_sec - since->tv_sec) * 1000
         + (now.tv_nsec - since->tv_nsec) / 1000000;
}

int
jshim_start_timeout_ms (const char *value, long *out, jshim_error_t *err)
{
  uint64_t ms;

  if (value == NULL || *value == '\0')
    {
      *out = JSHIM_START_TIMEOUT_MS;
      return 0;
    }
  if (jshim_parse_decimal (value, strlen (value), JSHIM_START_TIMEOUT_MAX_MS,
                           &ms) < 0 || ms == 0)
    {
      jshim_fail (err, 0, EINVAL, "JSHIM_SHIM_START_TIMEOUT_MS: \"%s\" "
                  "(expected: milliseconds 1..%d)", value,
                  JSHIM_START_TIMEOUT_MAX_MS);
      return -1;
    }
  *out = (long) ms;
  return 0;
}

static int
launch_daemon (const jshim_shim_args_t *args,
               const char *socket_path, const char *hash, jshim_error_t *err)
{
  const char *daemon = getenv ("JSHIM_DAEMON");
  char state_dir[PATH_MAX], grpc_path[PATH_MAX], log_name[PATH_MAX];
  char *env_ns = NULL, *env_addr = NULL, **envp = NULL;
  char *argv[10];
  int nullfd = -1, logfd = -1, pipefd[2] = { -1, -1 }, e = 0, status;
  int caller_score;
  int ret = -1;
  ssize_t r;
  pid_t pid;
  struct timespec t0;
  long timeout_ms;

  if (jshim_start_timeout_ms (getenv ("JSHIM_SHIM_START_TIMEOUT_MS"),
                              &timeout_ms, err) < 0)
    return -1;
  if (daemon == NULL || *daemon == '\0')
    daemon = JSHIM_DAEMON_DEFAULT;
  if (jshim_shim_state_dir (hash, state_dir, sizeof (state_dir), err) < 0)
    return -1;
  if (snprintf (grpc_path, sizeof (grpc_path), "%s.grpc", socket_path)
      >= (int) sizeof (grpc_path))
    return jshim_fail (err, 0, ENAMETOOLONG, "%s.grpc: too long",
                       socket_path);
  if (mkdir_p (state_dir, 0700, err) < 0)
    return -1;

  /* A gRPC socket left by a dead daemon would stop the new one binding. */
  if (try_connect (grpc_path) < 0 && errno == ECONNREFUSED)
    unlink (grpc_path);

  if (asprintf (&env_ns, "JSHIM_NAMESPACE=%s", args->namespace) < 0)
    env_ns = NULL;
  if (asprintf (&env_addr, "JSHIM_CONTAINERD_ADDRESS=%s", args->address) < 0)
    env_addr = NULL;
  if (env_ns == NULL || env_addr == NULL
      || (envp = daemon_env (env_ns, env_addr)) == NULL)
    {
      jshim_fail_sys (err, 0, ENOMEM, "daemon environment");
      goto out;
    }
  argv[0] = (char *) daemon;
  argv[1] = (char *) "--socket";
  argv[2] = grpc_path;
  argv[3] = (char *) "--ttrpc-socket";
  argv[4] = (char *) socket_path;
  argv[5] = (char *) "--state-dir";
  argv[6] = state_dir;
  argv[7] = (char *) "--idle-shutdown-delay";
  argv[8] = (char *) JSHIM_IDLE_SHUTDOWN_MS;
  argv[9] = NULL;

  nullfd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  if (nullfd < 0)
    {
      jshim_fail_sys (err, 0, errno, "open /dev/null");
      goto out;
    }
  logfd = open_daemon_log (state_dir, log_name, sizeof (log_name), err);
  if (logfd < 0)
    goto out;
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    {
      jshim_fail_sys (err, 0, errno, "pipe");
      goto out;
    }

  {
    char ppid[16];

    /* start's parent is containerd */
    snprintf (ppid, sizeof (ppid), "%d", (int) getppid ());
    caller_score = oom_score_adj_of (ppid);
  }
  pid = fork ();
  if (pid < 0)
    {
      jshim_fail_sys (err, 0, errno, "fork for %s", daemon);
      goto out;
    }
  if (pid == 0)
    exec_daemon (argv, envp, state_dir, nullfd, logfd, pipefd[1],
                 caller_score);

  close (pipefd[1]);
  pipefd[1] = -1;
  /* EOF: execve succeeded (the pipe is close-on-exec). */
  do
    r = read (pipefd[0], &e, sizeof (e));
  while (r < 0 && errno == EINTR);
  if (r == (ssize_t) sizeof (e))
    {
      waitpid (pid, NULL, 0);
      jshim_fail_sys (err, 0, e, "start %s", daemon);
      goto out;
    }

  clock_gettime (CLOCK_MONOTONIC, &t0);
  while (true)
    {
      pid_t w;

      if (try_connect (socket_path) == 0)
        break;
      do
        w = waitpid (pid, &status, WNOHANG);
      while (w < 0 && errno == EINTR);
      if (w == pid)
        {
          if (WIFEXITED (status))
            jshim_fail (err, 0, ECHILD, "%s exited with status %d before "
                        "listening on %s; see %s", daemon,
                        WEXITSTATUS (status), socket_path, log_name);
          else
            jshim_fail (err, 0, ECHILD, "%s was killed by signal %d before "
                        "listening on %s; see %s", daemon, WTERMSIG (status),
                        socket_path, log_name);
          goto out;
        }
      if (elapsed_ms (&t0) >= timeout_ms)
        {
          kill (pid, SIGKILL);
          waitpid (pid, NULL, 0);
          jshim_fail (err, 0, ETIMEDOUT, "%s did not listen on %s within "
                      "%ld ms (killed it); see %s", daemon, socket_path,
                      timeout_ms, log_name);
          goto out;
        }
      {
        struct timespec ts = { 0, JSHIM_START_POLL_MS * 1000000L };

        nanosleep (&ts, NULL);
      }
    }
  /* The daemon stays a child until start exits, then it is reparented
     (to init or the nearest subreaper). */
  ret = 0;

out:
  if (nullfd >= 0)
    close (nullfd);
  if (logfd >= 0)
    close (logfd);
  if (pipefd[0] >= 0)
    close (pipefd[0]);
  if (pipefd[1] >= 0)
    close (pipefd[1]);
  free (envp);
  free (env_ns);
  free (env_addr);
  return ret;
}

int
jshim_shim_start (const jshim_shim_args_t *args, jshim_error_t *err)
{
  const char *dir = getenv ("JSHIM_SHIM_SOCKET_DIR");
  char bundle[PATH_MAX], socket_path[PATH_MAX], lock_path[PATH_MAX + 8];
  char address[PATH_MAX + 8], hash[65];
  char *config = NULL, *key = NULL;
  size_t config_len = 0;
  int lockfd = -1, ret = -1;

  jshim_error_clear (err);
  if (args->namespace == NULL || *args->namespace == '\0')
    return jshim_fail (err, 0, EINVAL, "shim namespace cannot be empty "
                       "(-namespace)");
  if (args->address == NULL || *args->address == '\0')
    return jshim_fail (err, 0, EINVAL, "containerd address cannot be empty "
                       "(-address)");
  if (dir == NULL || *dir == '\0')
    dir = JSHIM_SHIM_SOCKET_DIR;
  if (getcwd (bundle, sizeof (bundle)) == NULL)
    return jshim_fail_sys (err, 0, errno, "getcwd (the bundle)");

  if (jshim_read_file ("config.json", &config, &config_len, err) < 0)
    goto out;
  if (jshim_group_key (config, config_len, args->namespace, args->grouping,
                       &key, err) < 0)
    goto out;
  if (jshim_shim_socket_path (dir, args->address, args->namespace, key,
                              socket_path, sizeof (socket_path), err) < 0)
    goto out;
  jshim_shim_group_hash (args->address, args->namespace, key, hash);
  snprintf (address, sizeof (address), "unix://%s", socket_path);
  /* for delete, which must find this group's state even when the grouping
     rules have changed since (another default after an upgrade) */
  if (write_bundle_file (JSHIM_GROUP_FILE, hash, err) < 0)
    goto out;
  snprintf (lock_path, sizeof (lock_path), "%s.lock", socket_path);

  if (mkdir_p (dir, 0711, err) < 0)
    goto out;
  lockfd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
  if (lockfd < 0)
    {
      jshim_fail_sys (err, 0, errno, "open %s", lock_path);
      goto out;
    }
  while (flock (lockfd, LOCK_EX) < 0)
    if (errno != EINTR)
      {
        jshim_fail_sys (err, 0, errno, "flock %s", lock_path);
        goto out;
      }

  if (try_connect (socket_path) < 0)
    {
      if (errno == ECONNREFUSED)
        {
          /* A socket file nobody serves: a dead daemon's. */
          if (unlink (socket_path) < 0 && errno != ENOENT)
            {
              jshim_fail_sys (err, 0, errno, "remove stale socket %s",
                              socket_path);
              goto out;
            }
        }
      else if (errno != ENOENT)
        {
          jshim_fail_sys (err, 0, errno, "connect %s", socket_path);
          goto out;
        }
      if (launch_daemon (args, socket_path, hash, err) < 0)
        goto out;
    }

  if (write_bundle_file ("address", address, err) < 0)
    goto out;
  if (fputs (address, stdout) == EOF || fflush (stdout) == EOF)
    {
      jshim_fail_sys (err, 0, errno, "write the address to stdout");
      goto out;
    }
  ret = 0;

out:
  if (lockfd >= 0)
    close (lockfd);
  free (config);
  free (key);
  return ret;
}
