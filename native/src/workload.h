/*
 * The workload side of jshim-spawn: everything that runs in the cloned child
 * between clone() and execve().
 */
#ifndef JSHIM_WORKLOAD_H
#define JSHIM_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "attrs.h"
#include "devices.h"
#include "error.h"
#include "hooks.h"
#include "join.h"
#include "mounts.h"
#include "seccomp.h"
#include "userns.h"

/* PATH used when the container environment has no PATH variable. */
#define JSHIM_DEFAULT_PATH \
  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Exit codes of the workload when it never reaches execve. */
#define JSHIM_WORKLOAD_EXIT_SETUP 1    /* setup failed, ERROR sent */
#define JSHIM_WORKLOAD_EXIT_ABORTED 126 /* daemon closed fd 3 / no 'G' */
#define JSHIM_WORKLOAD_EXIT_EXEC 127    /* execve failed, ERROR sent */

/* Number of resource limits jshim-spawn knows (the OCI RLIMIT_* names). */
#define JSHIM_RLIMIT_COUNT 16

/* Largest --rlimit number; it stands for RLIM_INFINITY. */
#define JSHIM_RLIM_INFINITY UINT64_MAX

struct jshim_rlimit
{
  int resource;  /* RLIMIT_* */
  uint64_t soft; /* JSHIM_RLIM_INFINITY = unlimited */
  uint64_t hard;
};

/* One --sysctl KEY=VALUE. */
struct jshim_sysctl
{
  const char *text;  /* KEY=VALUE as given, for messages */
  const char *value; /* points into TEXT, after the '=' */
  char *path;        /* "/proc/sys/" + KEY with dots as slashes, malloc'ed */
};

struct jshim_spawn_config
{
  int ns_flags;          /* CLONE_NEW* flags of the workload */
  const char *hostname;  /* --hostname, NULL when not given */
  const char *root;      /* --root, NULL when not given */
  bool root_readonly;    /* --root-readonly (needs root and CLONE_NEWNS) */
  const char *cwd;       /* --cwd, NULL means "/" */
  bool has_uid;
  bool has_gid;
  uid_t uid;
  gid_t gid;
  bool has_oom_score_adj;
  int oom_score_adj;     /* --oom-score-adj, -1000..1000 */
  size_t n_rlimits;      /* one entry per resource, last --rlimit wins */
  struct jshim_rlimit rlimits[JSHIM_RLIMIT_COUNT];
  bool has_groups;       /* --groups given (the list may be empty) */
  const char *groups_text; /* --groups as given, for messages */
  gid_t *groups;         /* malloc'ed, n_groups entries */
  size_t n_groups;
  bool has_umask;
  mode_t umask_value;    /* --umask, 0..0777 */
  bool no_new_privs;     /* --no-new-privs */
  bool has_caps;         /* any --cap-* given: apply all five sets */
  int cap_last_cap;      /* the kernel's last capability (when has_caps) */
  uint64_t cap_bounding; /* --cap-* masks, bit N = capability N; */
  uint64_t cap_effective;   /* a set not given is empty */
  uint64_t cap_permitted;
  uint64_t cap_inheritable;
  uint64_t cap_ambient;
  struct jshim_sysctl *sysctls; /* --sysctl, in the order given (malloc'ed) */
  size_t n_sysctls;
  const char **masked;   /* --masked paths, in order (malloc'ed array) */
  size_t n_masked;
  const char **readonly; /* --readonly paths, in order (malloc'ed array) */
  size_t n_readonly;
  struct jshim_mount *mounts; /* --mount, in order (malloc'ed) */
  size_t n_mounts;
  struct jshim_device *devices; /* --device, in order (malloc'ed) */
  size_t n_devices;
  bool dev_links;        /* --dev-links */
  bool console;          /* --console: a new pty as controlling terminal
                            and stdio, its master sent to the daemon */
  unsigned long rootfs_propagation; /* --rootfs-propagation, 0: not given */
  bool has_uid_map;
  bool has_gid_map;
  struct jshim_idmap uid_map; /* --uid-map, --gid-map (--ns user) */
  struct jshim_idmap gid_map;
  struct jshim_join *joins; /* --join, in order (malloc'ed) */
  size_t n_joins;
  const char **cgroups;  /* --cgroup directories (malloc'ed array) */
  size_t n_cgroups;
  bool in_userns;        /* --ns user or --join user: the workload is not in
                            the initial user namespace */
  int unshare_flags;     /* --ns user: the CLONE_NEW* flags the clone left
                            to the workload (all but user and pid); 0
                            otherwise */
  int userns_rfd;        /* --ns user: the map pipe (both ends O_CLOEXEC), */
  int userns_wfd;        /* -1 otherwise */
  struct jshim_attrs attrs; /* --personality, --ioprio, --sched,
                            --domainname, --time-offset, --cpu-affinity-* */
  struct jshim_hook *hooks; /* --hook: createContainer and startContainer
                               hooks, in order (malloc'ed) */
  size_t n_hooks;
  const char *hook_state; /* --hook-state: the state JSON without status
                             and pid, which the workload adds */
  bool hooks_pause;      /* --hooks-pause: stop at HOOKS before the root
                            switch until the daemon's 'H' */
  char **argv;           /* PROG and its arguments, NULL terminated */
  char **envp;           /* container environment, NULL terminated */
  int sync_fd;           /* normally JSHIM_SYNC_FD */
  struct jshim_seccomp *seccomp; /* --seccomp, NULL when not given */
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
 * Option parsers of jshim-spawn.  Each returns 0, or -1 with ERR filled
 * (stage ARGS, errno EINVAL, a message naming the option and the value).
 */

/* --oom-score-adj: a decimal int from -1000 to 1000. */
int jshim_parse_oom_score_adj (const char *text, int *out, jshim_error_t *err);

/* --rlimit NAME=SOFT:HARD; NAME is an OCI name such as RLIMIT_NOFILE. */
int jshim_parse_rlimit (const char *text, struct jshim_rlimit *out,
                        jshim_error_t *err);

/* --groups G1,G2,...: decimal gids, the empty string is the empty list.
   *OUT is malloc'ed (NULL for the empty list). */
int jshim_parse_groups (const char *text, gid_t **out, size_t *count,
                        jshim_error_t *err);

/* --umask: strtoul base 0 (so "022" is octal), 0..0777. */
int jshim_parse_umask (const char *text, mode_t *out, jshim_error_t *err);

/*
 * --cap-bounding and the other --cap-* options (OPT names the option for
 * messages): strtoull base 0 (so "0x..." is hex), bit N = capability N; a
 * bit above LAST_CAP (0..63) is rejected.
 */
int jshim_parse_cap_mask (const char *opt, const char *text, int last_cap,
                          uint64_t *out, jshim_error_t *err);

/*
 * --sysctl KEY=VALUE: KEY must match [a-z0-9_]+(\.[a-z0-9_]+)*; VALUE is
 * anything (even empty).  OUT->path is malloc'ed.
 */
int jshim_parse_sysctl (const char *text, struct jshim_sysctl *out,
                        jshim_error_t *err);

/* --masked / --readonly (OPT names the option): an absolute path shorter
   than PATH_MAX. */
int jshim_check_container_path (const char *opt, const char *text,
                                jshim_error_t *err);

/* The kernel's last capability number: /proc/sys/kernel/cap_last_cap, or
   probed with PR_CAPBSET_READ when that cannot be read. */
int jshim_cap_last_cap (void);

/* "CAP_CHOWN" for 0 and so on; NULL for a number this file does not know. */
const char *jshim_cap_name (int cap);

/* RLIMIT_* value of an OCI name ("RLIMIT_NOFILE"), -1 when unknown. */
int jshim_rlimit_resource (const char *name, size_t len);

/* OCI name of an RLIMIT_* value, "RLIMIT_?" when unknown. */
const char *jshim_rlimit_name (int resource);

/*
 * Setup steps: a new session (setsid); oom_score_adj (in a user namespace
 * instead: become its root, creating the namespaces of CFG->unshare_flags
 * on the way), hostname, mount isolation, root (bind, --mount list or
 * automatic /proc, --device, --dev-links, pivot_root),
 * --rootfs-propagation, read-only root, sysctls, masked paths, read-only
 * paths, the console (--console), rlimits, bounding set and keep-caps,
 * user (groups, gid, uid), capabilities (capset, ambient), umask,
 * no_new_privs, cwd, program lookup.  In a user namespace
 * (CFG->in_userns) oom_score_adj and the rlimits are skipped: the helper
 * applied them to itself before clone (see jshim_apply_oom_score_adj).  On
 * success the resolved program path is in RESOLVED and, with --console,
 * the pty master in *CONSOLE (-1 otherwise); on failure *CONSOLE is -1.
 */
int jshim_workload_prepare (const struct jshim_spawn_config *cfg,
                            char *resolved, size_t cap, int *console,
                            jshim_error_t *err);

/*
 * --oom-score-adj and --rlimit applied to the calling process, which the
 * workload inherits them from.  The helper does this itself before clone
 * when the workload goes into a user namespace, where lowering the score or
 * raising a hard limit is not allowed.  Stages PROCESS and RLIMIT.
 */
int jshim_apply_oom_score_adj (const struct jshim_spawn_config *cfg,
                               jshim_error_t *err);
int jshim_apply_rlimits (const struct jshim_spawn_config *cfg,
                         jshim_error_t *err);

/*
 * Full workload: (with --ns user: wait for the helper to write the id
 * maps, and exit 126 without doing anything if it does not) prepare, send
 * CONSOLE (--console) and READY, wait for the go byte, exec.  Never
 * returns; exits with one of the JSHIM_WORKLOAD_EXIT_* codes on failure.
 */
__attribute__ ((noreturn)) void
jshim_workload_run (const struct jshim_spawn_config *cfg);

#endif /* JSHIM_WORKLOAD_H */
