#include "workload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs.h"
#include "sync.h"

#ifndef SYS_close_range
#define SYS_close_range 436
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

static int
setup_user (const struct jshim_spawn_config *cfg, jshim_error_t *err)
{
  uid_t uid;
  gid_t gid;

  if (!cfg->has_uid && !cfg->has_gid)
    return 0;
  uid = cfg->has_uid ? cfg->uid : getuid ();
  gid = cfg->has_gid ? cfg->gid : getgid ();

  if (geteuid () != 0)
    {
      if (uid != getuid () || uid != geteuid () || gid != getgid ()
          || gid != getegid ())
        return jshim_fail (err, JSHIM_STAGE_USER, EPERM,
                           "cannot switch to uid %u gid %u: jshim-spawn is "
                           "not running as root (uid %u gid %u)",
                           (unsigned) uid, (unsigned) gid,
                           (unsigned) geteuid (), (unsigned) getegid ());
      return 0;
    }

  if (setgroups (0, NULL) < 0)
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

int
jshim_workload_prepare (const struct jshim_spawn_config *cfg, char *resolved,
                        size_t cap, jshim_error_t *err)
{
  const char *cwd = cfg->cwd ? cfg->cwd : "/";

  /* 1. hostname, only inside a private uts namespace */
  if ((cfg->ns_flags & CLONE_NEWUTS) && cfg->hostname != NULL
      && sethostname (cfg->hostname, strlen (cfg->hostname)) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_HOSTNAME, errno,
                           "sethostname \"%s\"", cfg->hostname);

  /* 2. keep our mounts from propagating back to the host */
  if ((cfg->ns_flags & CLONE_NEWNS) && jshim_make_root_private (err) < 0)
    return -1;

  /* 3. root filesystem and /proc */
  if (jshim_setup_rootfs (cfg->root, cfg->ns_flags, err) < 0)
    return -1;

  /* 4. credentials */
  if (setup_user (cfg, err) < 0)
    return -1;

  /* 5. working directory, inside the new root */
  if (chdir (cwd) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_CWD, errno, "chdir \"%s\"", cwd);

  /* 6. find the program with the container's PATH */
  return jshim_resolve_program (cfg->argv[0], cfg->envp, resolved, cap, err);
}

void
jshim_workload_run (const struct jshim_spawn_config *cfg)
{
  static char resolved[PATH_MAX];
  jshim_error_t err;
  unsigned char go;
  ssize_t n;
  int flags;

  jshim_error_clear (&err);
  if (jshim_workload_prepare (cfg, resolved, sizeof (resolved), &err) < 0)
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
