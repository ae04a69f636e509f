/*
 * The workload side of jshim-spawn: everything that runs in the cloned child
 * between clone() and execve().
 */
#ifndef JSHIM_WORKLOAD_H
#define JSHIM_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* PATH used when the container environment has no PATH variable. */
#define JSHIM_DEFAULT_PATH \
  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Exit codes of the workload when it never reaches execve. */
#define JSHIM_WORKLOAD_EXIT_SETUP 1    /* setup failed, ERROR sent */
#define JSHIM_WORKLOAD_EXIT_ABORTED 126 /* daemon closed fd 3 / no 'G' */
#define JSHIM_WORKLOAD_EXIT_EXEC 127    /* execve failed, ERROR sent */

struct jshim_spawn_config
{
  int ns_flags;          /* CLONE_NEW* flags of the workload */
  const char *hostname;  /* --hostname, NULL when not given */
  const char *root;      /* --root, NULL when not given */
  const char *cwd;       /* --cwd, NULL means "/" */
  bool has_uid;
  bool has_gid;
  uid_t uid;
  gid_t gid;
  char **argv;           /* PROG and its arguments, NULL terminated */
  char **envp;           /* container environment, NULL terminated */
  int sync_fd;           /* normally JSHIM_SYNC_FD */
};

/* Close every fd >= LOWFD (close_range, /proc/self/fd walk as fallback). */
void jshim_close_fds_from (int lowfd);

/* Value of NAME in ENVP, or NULL. */
const char *jshim_envp_get (char *const envp[], const char *name);

/*
 * Resolve PROG the way execvp would, using PATH from ENVP (or
 * JSHIM_DEFAULT_PATH).  A PROG containing '/' is only checked.  The
 * candidate must be an existing regular file that is executable.  On success
 * copies the path into OUT (capacity CAP) and returns 0; otherwise fills ERR
 * (stage EXEC; ENOENT when nothing was found, EACCES when only
 * non-executable files were found) and returns -1.
 */
int jshim_resolve_program (const char *prog, char *const envp[], char *out,
                           size_t cap, jshim_error_t *err);

/*
 * Setup steps 1-6 (hostname, mounts, root, user, cwd, program lookup).
 * On success the resolved program path is in RESOLVED.
 */
int jshim_workload_prepare (const struct jshim_spawn_config *cfg,
                            char *resolved, size_t cap, jshim_error_t *err);

/*
 * Full workload: prepare, send READY, wait for the go byte, exec.  Never
 * returns; exits with one of the JSHIM_WORKLOAD_EXIT_* codes on failure.
 */
__attribute__ ((noreturn)) void
jshim_workload_run (const struct jshim_spawn_config *cfg);

#endif /* JSHIM_WORKLOAD_H */
