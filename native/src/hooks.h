/*
 * OCI hooks: parse the --hook options of jshim-spawn and run one hook
 * (fork, the state JSON on stdin, exactly the given environment, execve,
 * wait with a timeout, stdout and stderr kept for the error message).
 *
 * The workload runs createContainer and startContainer hooks itself, in the
 * container's namespaces; `jshim-spawn --run-hooks` runs the others for the
 * daemon, in the daemon's namespaces, so that the hook processes are the
 * helper's children and never reach the daemon's waitpid(-1).
 */
#ifndef JSHIM_HOOKS_H
#define JSHIM_HOOKS_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Hook kinds, in the order of the OCI lifecycle. */
enum jshim_hook_kind
{
  JSHIM_HOOK_PRESTART,
  JSHIM_HOOK_CREATE_RUNTIME,
  JSHIM_HOOK_CREATE_CONTAINER,
  JSHIM_HOOK_START_CONTAINER,
  JSHIM_HOOK_POSTSTART,
  JSHIM_HOOK_POSTSTOP,
  JSHIM_HOOK_KINDS
};

/* How much of a hook's stdout and of its stderr goes into a message. */
#define JSHIM_HOOK_OUTPUT_MAX 256

/* Largest --hook TIMEOUT (seconds). */
#define JSHIM_HOOK_TIMEOUT_MAX 86400u

struct jshim_hook
{
  int kind;         /* enum jshim_hook_kind */
  unsigned timeout; /* seconds, 0 = no timeout */
  const char *path; /* absolute path of the program */
  char **argv;      /* NULL terminated (malloc'ed array, strings from
                       the command line); argv[0] is PATH when no ARG */
  char **envp;      /* NULL terminated (malloc'ed array), may be empty */
};

/* "prestart", ... as in config.json; NULL for an unknown kind. */
const char *jshim_hook_kind_name (int kind);

/* The kind of an OCI hook name, -1 when unknown. */
int jshim_hook_kind_parse (const char *name);

/*
 * --hook KIND TIMEOUT PATH NARGS ARG... NENV ENV...: ARGV[*I] is "--hook";
 * on success *I points at its last value.  PATH must be absolute, NARGS and
 * NENV are decimal counts, TIMEOUT is decimal seconds (0 = none).  Stage
 * ARGS, errno EINVAL on failure.
 */
int jshim_parse_hook (int argc, char **argv, int *i, struct jshim_hook *out,
                      jshim_error_t *err);

/*
 * The state JSON with "status":STATUS and "pid":PID added as its first
 * members (STATE is an object without them, as --hook-state gives it).
 * Malloc'ed; NULL with errno ENOMEM, or EINVAL when STATE does not start
 * with '{'.
 */
char *jshim_hook_state (const char *state, const char *status, pid_t pid);

/*
 * Run one hook: fork, the child gets STATE on stdin, pipes on stdout and
 * stderr, no other fd, CWD as its working directory (unless NULL), the
 * default disposition of every signal; then execve(PATH, ARGV, ENVP).
 * Waits for it, killing it (SIGKILL) when its timeout passes.  INDEX is the
 * hook's position among the hooks of its kind, for the message.  Returns 0
 * when it exited with status 0; otherwise -1 with ERR filled: stage HOOK,
 * errno of a failed fork/execve (0 for an exit status, a signal or a
 * timeout), a message with the kind, index, path, what happened and the
 * start of its stdout and stderr.
 */
int jshim_hook_run (const struct jshim_hook *hook, size_t index,
                    const char *state, const char *cwd, jshim_error_t *err);

/*
 * Every hook of KIND in HOOKS (N entries, in order), stopping at the first
 * failure.  STATE as for jshim_hook_run.
 */
int jshim_hooks_run (const struct jshim_hook *hooks, size_t n, int kind,
                     const char *state, const char *cwd, jshim_error_t *err);

/*
 * `jshim-spawn --run-hooks [--hook-state JSON] [--hook-cwd DIR] --hook ...`:
 * runs the hooks in the order given (the daemon's own hooks: prestart,
 * createRuntime, poststart, poststop) with JSON on stdin, stops at the first
 * failure and reports it as an ERROR record on fd 3; READY when all
 * succeeded.  Returns the helper's exit code.
 */
int jshim_hooks_main (int argc, char **argv);

#endif /* JSHIM_HOOKS_H */
