/*
 * Namespace names accepted by `jshim-spawn --ns` and `--join` and their
 * clone flags.
 *
 * Error contract: jshim_ns_parse returns -1 with ERR filled (stage ARGS,
 * errno EINVAL, a message naming the list and the expected names).
 */
#ifndef JSHIM_NS_H
#define JSHIM_NS_H

#include <stddef.h>

#include "error.h"

/* Mask of every CLONE_NEW* flag jshim_ns_parse can produce. */
int jshim_ns_supported_mask (void);

/*
 * Map one namespace name (pid, uts, ipc, mount or mnt, network or net,
 * cgroup, user) to its CLONE_NEW* flag.  Returns the flag, 0 for an unknown
 * name.
 */
int jshim_ns_flag (const char *name, size_t len);

/* The name of one CLONE_NEW* flag for messages ("mount", "network"...),
   "?" for anything else. */
const char *jshim_ns_name (int flag);

/*
 * Parse a comma separated list such as "pid,uts,mnt".  An empty string means
 * "no new namespaces".  Duplicates are harmless.  On success stores the
 * CLONE_NEW* flags in *FLAGS and returns 0; otherwise fills ERR (stage ARGS,
 * errno EINVAL) and returns -1.
 */
int jshim_ns_parse (const char *list, int *flags, jshim_error_t *err);

/*
 * Describe clone flags for messages, e.g. "CLONE_NEWPID|CLONE_PARENT|SIGCHLD".
 * Always NUL terminates BUF (when CAP > 0); returns BUF.
 */
char *jshim_clone_flags_str (int flags, char *buf, size_t cap);

#endif /* JSHIM_NS_H */
