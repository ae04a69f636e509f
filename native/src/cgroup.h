/*
 * --cgroup DIR: the helper moves itself into each DIR before it clones the
 * workload, so that the workload is born inside those cgroups (and a new
 * cgroup namespace is rooted there).
 *
 * Error contract: jshim_check_cgroup_dir returns -1 with ERR filled (stage
 * ARGS, errno EINVAL); jshim_enter_cgroup returns -1 with ERR filled
 * (stage CGROUP, a message naming the file and what was written).  Both
 * return 0 on success.
 */
#ifndef JSHIM_CGROUP_H
#define JSHIM_CGROUP_H

#include "error.h"

/* DIR must be an absolute path (of a cgroup directory on the host). */
int jshim_check_cgroup_dir (const char *dir, jshim_error_t *err);

/* Write our pid ("%d\n") to DIR/cgroup.procs. */
int jshim_enter_cgroup (const char *dir, jshim_error_t *err);

#endif /* JSHIM_CGROUP_H */
