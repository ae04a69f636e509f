/*
 * --join TYPE=PATH: namespaces the helper enters with setns before it
 * clones the workload, so that the workload is born in them (for pid: the
 * workload, not the helper, lands in the joined pid namespace).
 *
 * Error contract: functions return -1 with ERR filled (the parser: stage
 * ARGS, errno EINVAL, a message naming the value and what was expected;
 * joining: stage JOIN, a message naming the type, the path and the failed
 * call), 0 on success.
 */
#ifndef JSHIM_JOIN_H
#define JSHIM_JOIN_H

#include <stddef.h>

#include "error.h"

struct jshim_join
{
  int flag;         /* CLONE_NEW* */
  const char *path; /* points into the --join value, after the '=' */
};

/*
 * TEXT is TYPE=PATH: TYPE one of pid, uts, ipc, mount (mnt), network
 * (net), cgroup, user; PATH absolute (e.g. /proc/1234/ns/net or a bind
 * mount of such a file).
 */
int jshim_parse_join (const char *text, struct jshim_join *out,
                      jshim_error_t *err);

/*
 * Open every path first (O_RDONLY|O_CLOEXEC; joining a mount namespace
 * changes what later paths mean), then setns into each with its type: all
 * but the user namespace in the order given, the user namespace last (it
 * drops our privileges over the others).
 */
int jshim_join_namespaces (const struct jshim_join *joins, size_t n,
                           jshim_error_t *err);

#endif /* JSHIM_JOIN_H */
